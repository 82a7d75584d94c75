"""Raising assurance at the workbench (实名核验): a counter clerk records L3 after checking the
original document, an operator records L2 when the population registry cannot answer — who
may verify whom, each refusal changing nothing, and the event naming who and where.

The citizen's own L2 check against the population registry is in
tests/exchange/test_real_name.py (it goes through the exchange gateway)."""

import pytest
from django.core.exceptions import ValidationError

from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.identity import services
from tongban.identity.models import IdentityVerification, Person

pytestmark = pytest.mark.django_db

PAGE = "/workbench/identity/"
ACTORS = [
    "anonymous",
    "citizen_self",
    "other_citizen",
    "clerk",
    "approver",
    "operator",
    "auditor",
]


@pytest.fixture
def world(make_citizen, make_official, departments):
    return {
        "anonymous": None,
        "citizen_self": make_citizen("待核验", level=Person.Assurance.L1),
        "other_citizen": make_citizen("他人"),
        "clerk": make_official("counter_clerk", department=departments[1]),
        "approver": make_official("approver", department=departments[0]),
        "operator": make_official("operator", department=departments[0]),
        "auditor": make_official("auditor", department=departments[0]),
    }


@pytest.fixture
def target(world) -> Person:
    return world["citizen_self"].person


def denied(response, who: str) -> bool:
    if who == "anonymous":
        return response.status_code == 302 and "/account/login/" in response["Location"]
    return response.status_code == 403


def verified(person: Person) -> tuple[int, str]:
    person.refresh_from_db()
    return person.assurance, person.assurance_method


def counter_form(person: Person, **overrides) -> dict:
    return {
        "action": "counter",
        "person": person.pk,
        "document": "id_card",
        "checked": "on",
        **overrides,
    }


def operator_form(person: Person, **overrides) -> dict:
    return {
        "action": "operator",
        "person": person.pk,
        "reason": "人口库接口中断（工单 2026-118），已核对户口簿原件复印件",
        **overrides,
    }


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_open_the_page_and_find_a_person(who, world, target, client_as):
    client = client_as(world[who])
    page = client.get(PAGE)
    found = client.post(PAGE, {"action": "find", "id_number": target.id_number})
    if who in ("clerk", "operator"):
        assert page.status_code == 200 and found.status_code == 200
        html = found.content.decode()
        assert target.masked_id_number in html and target.real_name in html
        assert target.id_number not in html
        assert (
            found["Cache-Control"].startswith("max-age=0") or "no-store" in found["Cache-Control"]
        )
    else:
        assert denied(page, who) and denied(found, who)


@pytest.mark.parametrize("who", ACTORS)
def test_only_a_counter_clerk_records_l3_at_a_counter(who, world, target, client_as):
    response = client_as(world[who]).post(PAGE, counter_form(target))
    if who == "clerk":
        assert response.status_code == 302 and response["Location"] == PAGE
        assert verified(target) == (3, "counter")
    else:
        assert denied(response, who)
        assert verified(target) == (1, "")
        assert not IdentityVerification.objects.exists()
        assert not Event.objects.filter(kind="identity.person.verified").exists()


@pytest.mark.parametrize("who", ACTORS)
def test_only_an_operator_records_l2_by_hand(who, world, target, client_as):
    response = client_as(world[who]).post(PAGE, operator_form(target))
    if who == "operator":
        assert response.status_code == 302
        assert verified(target) == (2, "operator")
    else:
        assert denied(response, who)
        assert verified(target) == (1, "")
        assert not IdentityVerification.objects.exists()


def test_the_counter_records_who_and_where(world, target, client_as, departments):
    clerk = world["clerk"]
    client = client_as(clerk)
    response = client.post(PAGE, counter_form(target, document="temporary_id_card"), follow=True)
    assert "L3" in response.content.decode()
    verification = IdentityVerification.objects.get(person=target)
    assert (verification.level, verification.method) == (3, "counter")
    assert verification.verified_by == clerk
    assert verification.department == departments[1]  # the clerk's department: the place
    assert verification.document == "temporary_id_card"
    event = Event.objects.get(kind="identity.person.verified")
    assert event.actor == f"identity.account:{clerk.pk}"
    assert event.subject_id == str(target.pk)
    assert event.payload == {
        "level": 3,
        "method": "counter",
        "verification": verification.pk,
        "department": departments[1].pk,
    }
    assert target.id_number not in str(event.payload)
    # the history shows on the next look-up, and L3 needs nothing more
    again = client.post(PAGE, {"action": "find", "id_number": target.id_number}).content.decode()
    assert departments[1].name in again and 'value="counter"' not in again


def test_the_operator_keeps_the_reason(world, target, client_as):
    client_as(world["operator"]).post(PAGE, operator_form(target))
    verification = IdentityVerification.objects.get(person=target)
    assert verification.reason.startswith("人口库接口中断")
    assert verification.verified_by == world["operator"]
    assert "reason" not in Event.objects.get(kind="identity.person.verified").payload


@pytest.mark.parametrize(
    "form, field",
    [
        (lambda p: counter_form(p, checked=""), "checked"),
        (lambda p: counter_form(p, document=""), "document"),
        (lambda p: counter_form(p, document="passport"), "document"),
    ],
)
def test_the_counter_needs_the_document_and_the_confirmation(form, field, world, target, client_as):
    response = client_as(world["clerk"]).post(PAGE, form(target))
    assert response.status_code == 400
    assert f'id="counter-{field}' in response.content.decode()
    assert verified(target) == (1, "")
    assert not IdentityVerification.objects.exists()


def test_the_operator_needs_a_reason(world, target, client_as):
    response = client_as(world["operator"]).post(PAGE, operator_form(target, reason="  "))
    assert response.status_code == 400
    assert verified(target) == (1, "")


def test_a_level_is_never_lowered_nor_recorded_twice(world, target, client_as):
    client_as(world["clerk"]).post(PAGE, counter_form(target))
    assert verified(target) == (3, "counter")
    again = client_as(world["clerk"]).post(PAGE, counter_form(target))
    lower = client_as(world["operator"]).post(
        PAGE, operator_form(target), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == lower.status_code == 400
    assert "already verified at level L3" in lower.content.decode()
    assert verified(target) == (3, "counter")
    assert IdentityVerification.objects.count() == 1


@pytest.mark.parametrize(
    "id_number, message",
    [("11010519900101001", "18"), ("110105199001011235", "check digit"), (None, "No one")],
)
def test_finding_refuses_bad_or_unknown_numbers(id_number, message, world, client_as):
    from tests.identity.conftest import new_id_number

    response = client_as(world["clerk"]).post(
        PAGE,
        {"action": "find", "id_number": id_number or new_id_number()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_person_without_an_account_can_be_verified(world, client_as):
    from tests.identity.conftest import new_id_number

    person, _status = services.save_person_without_account(
        actor="system:test", real_name="无账号", id_number=new_id_number()
    )
    response = client_as(world["clerk"]).post(PAGE, counter_form(person))
    assert response.status_code == 302
    assert verified(person) == (3, "counter")


def test_unknown_actions_and_people_are_refused(world, target, client_as):
    client = client_as(world["clerk"])
    assert client.post(PAGE, {"action": "delete", "person": target.pk}).status_code == 403
    assert client.post(PAGE, {**counter_form(target), "person": "x"}).status_code == 404
    assert client.post(PAGE, {**counter_form(target), "person": 999999}).status_code == 404


def test_the_workbench_links_the_page_for_those_who_may(world, client_as):
    assert PAGE in client_as(world["clerk"]).get("/workbench/").content.decode()
    assert PAGE not in client_as(world["approver"]).get("/workbench/").content.decode()


def test_the_service_checks_each_method(world, target):
    clerk, operator = world["clerk"], world["operator"]
    with pytest.raises(ValidationError):
        services.verify_identity(actor=clerk, person=target, method="telepathy")
    with pytest.raises(NotPermitted):
        services.verify_identity(actor=clerk, person=target, method="operator", reason="x")
    with pytest.raises(NotPermitted):  # an operator is not at a counter
        services.verify_identity(
            actor=operator, person=target, method="counter", document="id_card"
        )
    with pytest.raises(NotPermitted):  # the registry check is the person's own
        services.verify_identity(
            actor=world["other_citizen"],
            person=target,
            method="population_registry",
            evidence="exchange.accesslog:1",
        )
    with pytest.raises(ValidationError):  # ... and needs the registry's answer
        services.verify_identity(
            actor=world["citizen_self"], person=target, method="population_registry"
        )
    with pytest.raises(ValidationError):
        services.verify_identity(actor=operator, person=target, method="operator", reason="x" * 501)
    assert verified(target) == (1, "")
    assert not Event.objects.filter(kind="identity.person.verified").exists()


def test_the_profile_says_how_the_identity_was_verified(world, target, client_as):
    citizen = client_as(world["citizen_self"])
    before = citizen.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/me/verify-real-name/" in before
    client_as(world["clerk"]).post(PAGE, counter_form(target))
    after = citizen.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "In person at a service counter" in after
    assert "/me/verify-real-name/" not in after
