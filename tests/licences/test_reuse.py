"""Licences as a data source (免提交): the selector the exchange gateway calls."""

import datetime

import pytest

from tests.licences.conftest import Report
from tongban.demo.licences import business_record, person_record
from tongban.licences import selectors, services

pytestmark = pytest.mark.django_db


def test_a_second_application_reuses_the_marriage_certificate(city):
    """A birth registration in another department needs the parents' marriage: it takes the
    licence's fields instead of asking for a copy."""
    zhangwei = person_record("zhangwei", Report())
    reused = selectors.valid_licence_of_type(holder=zhangwei, licence_type="marriage_certificate")
    assert reused.fields["spouse_name"] == "李娜"
    assert reused.issuer_name == "示范市民政局"
    assert reused.holder_code_type == "111"


def test_business_licence_for_a_business(city):
    qinghe = business_record("qinghe", Report())
    reused = selectors.valid_licence_of_type(holder=qinghe, licence_type="business_licence")
    assert reused.fields["legal_representative"] == "李刚"


def test_no_licence_when_missing_revoked_suspended_or_expired(
    senior_card, civil_affairs_approver, retiree
):
    person = retiree.person
    assert (
        selectors.valid_licence_of_type(holder=person, licence_type="marriage_certificate") is None
    )
    assert selectors.valid_licence_of_type(holder=person, licence_type="senior_card")
    later = datetime.date(2200, 1, 1)
    assert selectors.valid_licence_of_type(holder=person, licence_type="senior_card", today=later)
    services.suspend_licence(licence=senior_card, reason="核查", actor=civil_affairs_approver)
    assert selectors.valid_licence_of_type(holder=person, licence_type="senior_card") is None


def test_expired_licences_are_not_reused(city):
    chenjing = person_record("chenjing", Report())
    assert selectors.valid_licence_of_type(holder=chenjing, licence_type="disability_card")
    after = datetime.date(2032, 3, 1)
    assert (
        selectors.valid_licence_of_type(
            holder=chenjing, licence_type="disability_card", today=after
        )
        is None
    )


def test_the_wallet_query_count_does_not_grow_with_licences(
    city, django_assert_max_num_queries, retiree
):
    person = person_record("zhangwei", Report())
    with django_assert_max_num_queries(1):
        licences = list(selectors.wallet_of(person=person))
        names = [(licence.licence_type.name, licence.issuer.name) for licence in licences]
    assert len(names) == 2
