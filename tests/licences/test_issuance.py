"""Issuance: signed by the issuing department, exactly once per case, refusals change nothing,
both suites, key rotation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from tests.ledger.conftest import settled
from tests.licences.conftest import SENIOR_FIELDS, department, make_official
from tongban.core import crypto
from tongban.core.api import Conflict
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.identity.models import Role
from tongban.ledger.models import Entry
from tongban.ledger.services import seal_pending_events
from tongban.licences import identifiers, services, signing, verification
from tongban.licences.models import DepartmentKey, Licence, Sequence

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Licence.objects.count(),
        Event.objects.count(),
        DepartmentKey.objects.count(),
        sorted(Sequence.objects.values_list("name", "last")),  # by name: rows move on PostgreSQL
    )


def issue(
    actor, holder, *, case="CASE-1", fields=None, issuer="民政局", licence_type="senior_card"
):
    return services.issue_licence(
        licence_type=licence_type,
        issuer=department(issuer),
        holder=holder,
        fields=SENIOR_FIELDS if fields is None else fields,
        source_case=case,
        actor=actor,
    )


def test_an_issued_licence_is_signed_by_its_department_and_recorded(senior_card):
    licence = senior_card
    assert identifiers.parse(licence.identifier).issuer_code == department("民政局").credit_code
    assert licence.signing_key.department == department("民政局")
    assert licence.signing_key.algorithm == "Ed25519"
    assert signing.signature_problem(licence) is None
    assert licence.document["holder"]["code_type"] == "111"
    assert licence.document["fields"] == SENIOR_FIELDS
    event = licence.issuance_event
    assert event.kind == "licence.issued" and event.subject_id == str(licence.pk)
    assert event.payload["source_case"] == "CASE-2026-000001"
    # no personal data in the ledger payload
    assert licence.holder.id_number not in str(event.payload)
    assert licence.holder.real_name not in str(event.payload)
    # personal data is encrypted at rest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content, credential FROM licences_licence WHERE id = %s", [licence.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert licence.holder.id_number not in raw and "王秀英" not in raw


@pytest.mark.django_db(transaction=True)  # on PostgreSQL only committed events are sealed
def test_the_ledger_receipt_appears_once_the_issuance_is_sealed(senior_card):
    assert senior_card.issuance_event_id is not None
    assert senior_card.ledger_receipt is None  # not sealed yet
    settled()  # PostgreSQL: until no older transaction is open
    seal_pending_events()
    receipt = senior_card.ledger_receipt
    entry = Entry.objects.get(event_id=senior_card.issuance_event_id)
    assert receipt.index == entry.index
    assert receipt.verify_url == f"/ledger/verify/{entry.index}/"


def test_issuing_again_for_the_same_case_returns_the_same_licence(
    senior_card, civil_affairs_approver, retiree
):
    before = snapshot()
    again = issue(civil_affairs_approver, retiree.person, case="CASE-2026-000001")
    assert again.pk == senior_card.pk
    assert snapshot() == before


def test_a_retry_with_other_content_is_refused(senior_card, civil_affairs_approver, retiree):
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        issue(
            civil_affairs_approver,
            retiree.person,
            case="CASE-2026-000001",
            fields={**SENIOR_FIELDS, "gender": "男"},
        )
    assert raised.value.code == "licence_case_conflict"
    assert snapshot() == before


def test_a_crash_between_decision_and_issuance_leaves_nothing_and_the_retry_issues_once(
    civil_affairs_approver, retiree
):
    """Intake decides and issues in one transaction: if anything fails after issuing, the
    licence, its event and its serial number roll back with the decision."""
    before = snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(civil_affairs_approver, retiree.person, case="CASE-CRASH")
        raise RuntimeError("the process died before the decision committed")
    assert snapshot() == before
    first = issue(civil_affairs_approver, retiree.person, case="CASE-CRASH")
    second = issue(civil_affairs_approver, retiree.person, case="CASE-CRASH")
    assert first.pk == second.pk
    assert Licence.objects.filter(source_case="CASE-CRASH").count() == 1
    assert identifiers.parse(first.identifier).serial == 1
    assert Event.objects.filter(kind="licence.issued", subject_id=str(first.pk)).count() == 1


def test_serials_and_status_indexes_count_per_issuer(civil_affairs_approver, retiree):
    a = issue(civil_affairs_approver, retiree.person, case="A")
    b = issue(civil_affairs_approver, retiree.person, case="B")
    assert identifiers.parse(b.identifier).serial == identifiers.parse(a.identifier).serial + 1
    assert b.status_index == a.status_index + 1


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"gender": "女"}, "fields"),
        ({**SENIOR_FIELDS, "salary": "1"}, "fields"),
        ({**SENIOR_FIELDS, "gender": 1}, "gender"),
        ({**SENIOR_FIELDS, "gender": "x" * 201}, "gender"),
    ],
)
def test_fields_must_match_the_schema(civil_affairs_approver, retiree, fields, field):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        issue(civil_affairs_approver, retiree.person, case="C", fields=fields)
    assert field in raised.value.message_dict
    assert snapshot() == before


def test_holder_kind_must_match(civil_affairs_approver, business_licence):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        issue(civil_affairs_approver, business_licence.holder_business, case="D")
    assert "holder" in raised.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize("case", ["", "   ", "x" * 101])
def test_a_case_reference_is_required(civil_affairs_approver, retiree, case):
    before = snapshot()
    with pytest.raises(ValidationError):
        issue(civil_affairs_approver, retiree.person, case=case)
    assert snapshot() == before


def test_a_department_cannot_issue_another_departments_licence_type(police_approver, retiree):
    before = snapshot()
    with pytest.raises(NotPermitted):
        issue(police_approver, retiree.person, case="E", issuer="公安局")
    with pytest.raises(NotPermitted):  # nor in the name of the department that does issue it
        issue(police_approver, retiree.person, case="E", issuer="民政局")
    assert snapshot() == before


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_both_suites_sign_and_verify_and_survive_rotation(city, retiree, suite):
    head = make_official("mz-head", "民政局", Role.DEPARTMENT_HEAD)
    with override_settings(TONGBAN_CRYPTO_SUITE=suite):
        old = issue(head, retiree.person, case=f"{suite}-1")
        assert old.signing_key.algorithm == crypto.suite(suite).signature_algorithm
        new_key = services.rotate_department_key(department=department("民政局"), actor=head)
        new = issue(head, retiree.person, case=f"{suite}-2")
        old.signing_key.refresh_from_db()
    assert old.signing_key.retired_at is not None
    assert new.signing_key == new_key != old.signing_key
    for licence in (old, new):
        licence.refresh_from_db()
        verdict = verification.verify_identifier(licence.identifier)
        assert (verdict.genuine, verdict.status) == (True, "valid"), licence
        presentation = services.create_presentation(
            licence=licence, reveal=["holder_name"], actor=retiree
        )
        verdict = verification.verify_presentation(
            presentation, audience=services.verifier_audience()
        )
        assert verdict.reason == "genuine"
        assert verdict.disclosed[0]["value"] == "王秀英"
    assert Event.objects.filter(kind="licences.department_key.rotated").count() == 1


def test_gm_credentials_use_sm2_and_sm3(city, retiree, civil_affairs_approver):
    with override_settings(TONGBAN_CRYPTO_SUITE="gm"):
        licence = issue(civil_affairs_approver, retiree.person, case="GM")
    header = services.sdjwt.split(licence.credential).issuer_jwt
    assert header.header["alg"] == "SM2"
    assert header.payload["_sd_alg"] == "sm3"
    assert header.payload["cnf"]["jwk"]["crv"] == "SM2"


def test_private_keys_are_stored_encrypted(senior_card):
    from django.db import connection

    key = senior_card.signing_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM licences_departmentkey WHERE id = %s", [key.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("intl:") and key.private_key not in raw


def test_only_the_head_or_an_operator_rotates_keys(civil_affairs_approver, city):
    before = snapshot()
    with pytest.raises(NotPermitted):
        services.rotate_department_key(
            department=department("民政局"), actor=civil_affairs_approver
        )
    other_head = make_official("ga-head", "公安局", Role.DEPARTMENT_HEAD)
    with pytest.raises(NotPermitted):
        services.rotate_department_key(department=department("民政局"), actor=other_head)
    assert snapshot() == before
    operator = make_official("operator", "政务服务和数据管理局", Role.OPERATOR)
    services.rotate_department_key(department=department("民政局"), actor=operator)
