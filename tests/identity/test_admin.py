"""The admin writes identity records through the services: officials with their roles and
businesses are saved by `save_official` / `save_business` (checks run, events recorded);
agent authorizations, guardianships and verifications are read-only there."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from tongban.core.models import Event
from tongban.demo.codes import credit_code
from tongban.identity import services
from tongban.identity.models import Business, Guardianship, Official, Role

pytestmark = pytest.mark.django_db

FIRST_PASSWORD = "window seven lantern river"


@pytest.fixture
def operator(make_official, departments):
    return make_official("operator", department=departments[1])


@pytest.fixture
def admin_client(operator, client_as):
    return client_as(operator)


def official_form(departments, **overrides) -> dict:
    return {
        "login": "gaj.newclerk",
        "display_name": "新窗口人员",
        "department": departments[0].pk,
        "roles": ["counter_clerk"],
        "password": FIRST_PASSWORD,
        "_save": "Save",
        **overrides,
    }


def test_an_operator_adds_an_official_through_the_service(admin_client, operator, departments):
    response = admin_client.post("/admin/identity/official/add/", official_form(departments))
    assert response.status_code == 302, response.content.decode()[:2000]
    official = Official.objects.get(account__login="gaj.newclerk")
    assert official.department == departments[0]
    assert [r.role for r in official.roles.all()] == ["counter_clerk"]
    assert official.account.kind == "official" and not official.account.is_staff
    assert official.account.check_password(FIRST_PASSWORD)
    event = Event.objects.get(kind="identity.official.created", subject_id=str(official.pk))
    assert event.actor == f"identity.account:{operator.pk}"
    assert event.payload == {"department": departments[0].pk, "roles": ["counter_clerk"]}


def test_changing_roles_in_the_admin_records_the_event(
    admin_client, make_official, departments, operator
):
    account = make_official("approver", department=departments[0])
    official = account.official
    response = admin_client.post(
        f"/admin/identity/official/{official.pk}/change/",
        {
            "display_name": account.display_name,
            "department": departments[1].pk,
            "roles": ["approver", "data_admin"],
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    account.refresh_from_db()
    assert official.department == departments[1]
    assert {r.role for r in official.roles.all()} == {"approver", "data_admin"}
    assert account.is_staff  # data administrators use admin pages
    event = Event.objects.get(kind="identity.official.updated", subject_id=str(official.pk))
    assert event.actor == f"identity.account:{operator.pk}"
    assert event.payload["roles"] == ["approver", "data_admin"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"login": "12345"}, "login"),
        ({"password": "password"}, "password"),
        ({"password": "short"}, "password"),
        ({"password": ""}, "password"),
        ({"roles": ["king"]}, "roles"),
    ],
)
def test_bad_officials_are_refused_in_the_form_and_change_nothing(
    admin_client, departments, overrides, field
):
    response = admin_client.post(
        "/admin/identity/official/add/", official_form(departments, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Official.objects.filter(account__login=overrides.get("login", "gaj.newclerk"))
    assert not Event.objects.filter(kind__startswith="identity.official.created").exclude(
        actor="system:test"
    )


def test_a_citizens_or_a_taken_login_is_refused(
    admin_client, departments, make_citizen, make_official
):
    citizen = make_citizen()
    colleague = make_official("approver")
    for login in (citizen.login, colleague.login):
        response = admin_client.post(
            "/admin/identity/official/add/", official_form(departments, login=login)
        )
        assert response.status_code == 200
        assert "login" in response.context["adminform"].form.errors
    colleague.official.refresh_from_db()
    assert colleague.official.department == departments[0]
    assert not hasattr(get_user_model().objects.get(pk=citizen.pk), "official")


@pytest.mark.parametrize("role", ["counter_clerk", "data_admin", "auditor"])
def test_only_operators_manage_officials(role, make_official, client_as, departments):
    client = client_as(make_official(role))
    response = client.post("/admin/identity/official/add/", official_form(departments))
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # not staff: sent to sign in
        assert "login" in response["Location"]
    assert not Official.objects.filter(account__login="gaj.newclerk").exists()


def test_officials_are_not_deleted_in_the_admin(admin_client, make_official):
    official = make_official("approver").official
    response = admin_client.post(f"/admin/identity/official/{official.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Official.objects.filter(pk=official.pk).exists()


def business_form(representative, **overrides) -> dict:
    return {
        "name": "示范市测试商贸有限公司",
        "credit_code": credit_code("91", "110000", 30000123),
        "legal_representative": representative.pk,
        "_save": "Save",
        **overrides,
    }


def test_an_operator_registers_and_renames_a_business_through_the_service(
    admin_client, operator, make_citizen
):
    representative = make_citizen("法人乙").person
    response = admin_client.post("/admin/identity/business/add/", business_form(representative))
    assert response.status_code == 302, response.content.decode()[:2000]
    business = Business.objects.get(name="示范市测试商贸有限公司")
    created = Event.objects.get(kind="identity.business.created", subject_id=str(business.pk))
    assert created.actor == f"identity.account:{operator.pk}"
    response = admin_client.post(
        f"/admin/identity/business/{business.pk}/change/",
        {
            "name": "示范市测试商贸集团有限公司",
            "credit_code": credit_code("91", "110000", 30000999),  # read-only: ignored
            "legal_representative": representative.pk,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "示范市测试商贸集团有限公司"
    assert business.credit_code == credit_code("91", "110000", 30000123)
    updated = Event.objects.get(kind="identity.business.updated", subject_id=str(business.pk))
    assert updated.payload["fields"] == ["name"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"credit_code": "91110000300001230X"}, "credit_code"),
        ({"name": " "}, "name"),
        ("minor", "legal_representative"),
    ],
)
def test_bad_businesses_are_refused_and_change_nothing(
    admin_client, make_citizen, overrides, field
):
    adult = make_citizen("法人丙").person
    if overrides == "minor":
        minor = make_citizen("未成年", born=datetime.date(2015, 1, 1)).person
        overrides = {"legal_representative": minor.pk}
    response = admin_client.post("/admin/identity/business/add/", business_form(adult, **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Business.objects.exists()
    assert not Event.objects.filter(kind__startswith="identity.business.").exists()


def test_the_service_refuses_a_minor_representative_and_non_operators(make_citizen, make_official):
    from django.core.exceptions import ValidationError

    from tongban.core.permissions import NotPermitted

    minor = make_citizen("未成年", born=datetime.date(2015, 1, 1)).person
    adult = make_citizen("成年").person
    code = credit_code("91", "110000", 30000124)
    with pytest.raises(ValidationError):
        services.save_business(
            actor="system:test", credit_code=code, name="x", legal_representative=minor
        )
    with pytest.raises(NotPermitted):
        services.save_business(
            actor=make_official("data_admin"),
            credit_code=code,
            name="x",
            legal_representative=adult,
        )
    assert not Business.objects.exists()


@pytest.fixture
def guardianship(make_citizen):
    ward = make_citizen("被监护人", born=datetime.date(2016, 3, 3)).person
    guardian = make_citizen("监护人").person
    return services.record_guardianship(
        actor="system:test", guardian=guardian, ward=ward, basis="户口簿"
    )[0]


@pytest.fixture
def authorization(business, make_citizen):
    return services.authorize_agent(
        actor="system:test",
        business=business,
        agent=make_citizen("经办人").person,
        scopes=["apply"],
        expires_on=datetime.date.today() + datetime.timedelta(days=30),
    )[0]


@pytest.mark.parametrize("superuser", [False, True])
def test_agents_guardianships_and_verifications_are_read_only(
    superuser, admin_client, operator, guardianship, authorization
):
    if superuser:
        get_user_model().objects.filter(pk=operator.pk).update(is_superuser=True)
    for model, obj in (("guardianship", guardianship), ("agentauthorization", authorization)):
        assert admin_client.get(f"/admin/identity/{model}/").status_code == 200
        assert admin_client.get(f"/admin/identity/{model}/{obj.pk}/change/").status_code == 200
        assert admin_client.get(f"/admin/identity/{model}/add/").status_code == 403
        changed = admin_client.post(
            f"/admin/identity/{model}/{obj.pk}/change/", {"basis": "伪造", "scopes": "[]"}
        )
        assert changed.status_code == 403
        deleted = admin_client.post(f"/admin/identity/{model}/{obj.pk}/delete/", {"post": "yes"})
        assert deleted.status_code == 403
    assert admin_client.get("/admin/identity/identityverification/").status_code == 200
    assert admin_client.get("/admin/identity/identityverification/add/").status_code == 403
    guardianship.refresh_from_db()
    authorization.refresh_from_db()
    assert guardianship.basis == "户口簿" and authorization.scopes == ["apply"]
    assert Guardianship.objects.count() == 1


def test_the_admin_lists_officials_with_their_roles(admin_client, make_official):
    make_official(Role.APPROVER.value)
    page = admin_client.get("/admin/identity/official/").content.decode()
    assert "审批人员" in page or "Approver" in page
