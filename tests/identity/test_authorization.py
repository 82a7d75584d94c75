"""Who may read or change what, as a matrix: anonymous / owner / other citizen / guardian /
official of the same or another department / counter clerk / operator."""

import json

import pytest

from tongban.identity import services
from tongban.identity.models import AccountSession

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "owner",
    "other_citizen",
    "guardian",
    "official_same_dept",
    "official_other_dept",
    "counter_clerk",
    "operator",
]


@pytest.fixture
def world(make_citizen, make_official, departments):
    import datetime

    owner = make_citizen("本人")
    ward = make_citizen("未成年", born=datetime.date(2015, 6, 1))
    guardian = make_citizen("监护人")
    services.record_guardianship(
        actor="system:test", guardian=guardian.person, ward=ward.person, basis="户口簿"
    )
    colleague = make_official("approver", department=departments[0])
    return {
        "anonymous": None,
        "owner": owner,
        "other_citizen": make_citizen("他人"),
        "guardian": guardian,
        "ward": ward,
        "official_same_dept": make_official("approver", department=departments[0]),
        "official_other_dept": make_official("approver", department=departments[1]),
        "counter_clerk": make_official("counter_clerk", department=departments[1]),
        "operator": make_official("operator", department=departments[1]),
        "colleague": colleague,
    }


def expect(allowed: set[str], who: str) -> int:
    return 200 if who in allowed else (401 if who == "anonymous" else 403)


@pytest.mark.parametrize("who", ACTORS)
def test_reading_a_person(who, world, client_as):
    target = world["owner"].person
    response = client_as(world[who]).get(f"/api/v1/identity/people/{target.pk}")
    assert response.status_code == expect({"owner", "counter_clerk", "operator"}, who)
    if response.status_code == 200:
        assert target.id_number not in response.content.decode()


@pytest.mark.parametrize("who", ACTORS)
def test_reading_a_ward(who, world, client_as):
    target = world["ward"].person
    response = client_as(world[who]).get(f"/api/v1/identity/people/{target.pk}")
    assert response.status_code == expect({"guardian", "counter_clerk", "operator"}, who)


@pytest.mark.parametrize("who", ACTORS)
def test_reading_an_official(who, world, client_as):
    target = world["colleague"].official
    response = client_as(world[who]).get(f"/api/v1/identity/officials/{target.pk}")
    assert response.status_code == expect({"official_same_dept", "operator"}, who)


@pytest.mark.parametrize("who", ACTORS)
def test_ending_a_session_over_the_api(who, world, client_as):
    owner_client = client_as(world["owner"])
    session = AccountSession.objects.get(account=world["owner"])
    client = owner_client if who == "owner" else client_as(world[who])
    response = client.post(f"/api/v1/identity/sessions/{session.pk}/end")
    assert response.status_code == (204 if who == "owner" else 401 if who == "anonymous" else 403)
    session.refresh_from_db()
    assert (session.ended_at is not None) is (who == "owner")


@pytest.mark.parametrize("who", ACTORS)
def test_ending_a_session_from_the_page(who, world, client_as):
    owner_client = client_as(world["owner"])
    session = AccountSession.objects.get(account=world["owner"])
    client = owner_client if who == "owner" else client_as(world[who])
    response = client.post(f"/me/sessions/{session.pk}/end/")
    if who in ("anonymous", "owner"):
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    else:
        assert response.status_code == 403
    session.refresh_from_db()
    assert (session.ended_at is not None) is (who == "owner")


@pytest.mark.parametrize("who", ACTORS)
def test_the_workbench_is_for_officials(who, world, client_as):
    response = client_as(world[who]).get("/workbench/")
    officials = {"official_same_dept", "official_other_dept", "counter_clerk", "operator"}
    if who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if who in officials else 403)


@pytest.mark.parametrize("who", ACTORS)
def test_only_operators_manage_sso_clients_in_the_admin(who, world, client_as):
    response = client_as(world[who]).get("/admin/oauth2_provider/application/")
    assert (response.status_code == 200) is (who == "operator")


@pytest.mark.parametrize("who", ACTORS)
def test_who_am_i(who, world, client_as):
    response = client_as(world[who]).get("/api/v1/identity/me")
    assert response.status_code == (401 if who == "anonymous" else 200)
    if who == "guardian":
        parties = json.loads(response.content)["acting_for"]
        assert [p["relation"] for p in parties] == ["self", "guardian"]
        assert parties[1]["reference"] == f"identity.person:{world['ward'].person.pk}"


@pytest.mark.parametrize("who", ["owner", "other_citizen"])
def test_revoking_consent(who, world, client_as):
    from oauth2_provider.models import Application

    from tongban.identity.models import Consent

    application, _secret = services.create_oidc_client(
        actor="system:test",
        name="测试系统",
        redirect_uris=["http://rp.example/cb"],
        confidential=True,
    )
    consent = services.grant_consent(
        account=world["owner"], application=application, scopes=["openid"]
    )
    response = client_as(world[who]).post(f"/me/applications/{consent.pk}/revoke/")
    assert response.status_code == (302 if who == "owner" else 403)
    assert Consent.objects.filter(pk=consent.pk).exists() is (who != "owner")
    assert Application.objects.filter(pk=application.pk).exists()


@pytest.mark.parametrize("who, allowed", [("operator", True), ("official_same_dept", False)])
def test_disabling_from_the_admin_goes_through_the_service(who, allowed, world, client_as):
    target = world["owner"]
    client_as(target)
    response = client_as(world[who]).post(
        "/admin/identity/account/",
        {"action": "disable", "_selected_action": [target.pk]},
    )
    target.refresh_from_db()
    assert target.is_active is not allowed
    assert (
        AccountSession.objects.filter(account=target, ended_at__isnull=True).exists() is not allowed
    )
    assert response.status_code in (200, 302, 403)
