"""Fixtures for e-licences: the demo city with its licence types, officials, holders."""

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tongban.core.models import Department
from tongban.demo.city import department_code
from tongban.demo.licences import business_record, person_record
from tongban.identity.models import Account, Official, OfficialRole, Role
from tongban.licences import services
from tongban.licences.models import LicenceType

SENIOR_FIELDS = {"gender": "女", "birth_date": "1959-03-08", "household_district": "示范市通江区"}


@pytest.fixture(autouse=True)
def fresh_gateway_caches():
    """Licence types are exchange registries: forget the gateway's per-process caches of
    registries, tokens and rate counts between tests (their rows do not survive a test)."""
    from tongban.exchange.callers import forget_tokens
    from tongban.exchange.gateway import forget_rate_counts, forget_registries

    for forget in (forget_registries, forget_tokens, forget_rate_counts):
        forget()
    yield
    for forget in (forget_registries, forget_tokens, forget_rate_counts):
        forget()


class Report:
    def count(self, what, status):
        pass


@pytest.fixture
def city(demo_licences):
    return demo_licences


def department(short_name: str) -> Department:
    return Department.objects.get(credit_code=department_code(short_name))


def make_official(login: str, short_name: str, *roles: str) -> Account:
    account = Account.objects.create_user(
        login, None, kind=Account.Kind.OFFICIAL, display_name=login
    )
    official = Official.objects.create(account=account, department=department(short_name))
    for role in roles:
        OfficialRole.objects.create(official=official, role=role)
    return account


def make_citizen(key: str) -> Account:
    person = person_record(key, Report())
    if person.account_id:
        return person.account
    account = Account.objects.create_user(
        f"citizen-{key}", None, kind=Account.Kind.PERSON, display_name=key
    )
    person.account = account
    person.save(update_fields=["account"])
    return account


@pytest.fixture
def civil_affairs_approver(city):
    return make_official("mz-approver", "民政局", Role.APPROVER)


@pytest.fixture
def police_approver(city):
    return make_official("ga-approver", "公安局", Role.APPROVER)


@pytest.fixture
def retiree(city):
    return make_citizen("wangxiuying")


@pytest.fixture
def senior_card(city, retiree, civil_affairs_approver):
    """王秀英's 老年人优待证, issued by 民政局 for an approved case."""
    return services.issue_licence(
        licence_type="senior_card",
        issuer=department("民政局"),
        holder=retiree.person,
        fields=SENIOR_FIELDS,
        source_case="CASE-2026-000001",
        actor=civil_affairs_approver,
    )


@pytest.fixture
def business_licence(city):
    from tongban.licences.models import Licence

    return Licence.objects.get(
        licence_type__code="business_licence",
        holder_business=business_record("qinghe", Report()),
    )


def senior_type() -> LicenceType:
    return LicenceType.objects.get(code="senior_card")


def client_for(account) -> Client:
    client = Client()
    if account is not None:
        force_sign_in(client, account)
    return client
