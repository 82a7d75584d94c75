"""The demo accounts: every demo person can sign in, officials with their printed secrets."""

import base64

import pytest
from django_otp.oath import totp

from tongban.demo import people
from tongban.demo.accounts import DEMO_PASSWORD, SELF_REGISTERED
from tongban.identity import selectors
from tongban.identity.models import Business, Guardianship, Official, Person, Role

pytestmark = pytest.mark.django_db


def test_every_demo_person_has_an_account_with_recorded_assurance(demo_accounts):
    for demo in people.PEOPLE:
        person = Person.objects.get(id_number_index=Person.index_for(demo.id_number))
        assert person.account is not None and person.real_name == demo.name
        assert (person.assurance, person.assurance_method) in {
            (1, ""),
            (2, "operator"),
            (3, "counter"),
        }
        assert (person.assurance == 1) is (demo.key in SELF_REGISTERED)
    child = people.CHILDREN[0]
    ward = Person.objects.get(id_number_index=Person.index_for(child.id_number))
    assert ward.account is None
    assert Guardianship.objects.get(ward=ward).guardian.real_name == "陈静"


def test_every_department_has_its_officials_and_the_platform_its_operator(demo_accounts):
    for official in Official.objects.select_related("department").prefetch_related("roles"):
        roles = {r.role for r in official.roles.all()}
        assert len(roles) == 1
    departments = Official.objects.values_list("department", flat=True).distinct()
    for department in departments:
        roles = set(
            Official.objects.filter(department=department).values_list("roles__role", flat=True)
        )
        assert roles in (
            {Role.COUNTER_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.DATA_ADMIN},
            {Role.OPERATOR, Role.AUDITOR},
        )


@pytest.mark.parametrize(
    "agent_key, business_name",
    [("maxiaohong", "示范市青禾餐饮有限公司"), ("wujie", "示范市云岭县何记小吃店")],
)
def test_both_businesses_have_their_representative_and_an_agent(
    demo_accounts, agent_key, business_name
):
    business = Business.objects.get(name=business_name)
    assert business.legal_representative.account is not None
    agent = Person.objects.get(id_number_index=Person.index_for(people.person(agent_key).id_number))
    relations = selectors.relations_of(person=agent)
    assert [(r.party.name, r.relation) for r in relations[1:]] == [(business_name, "agent")]
    assert selectors.agents_of(business=business).get().agent == agent


def test_businesses_are_saved_through_the_service(demo_accounts):
    from tongban.core.models import Event

    for business in Business.objects.all():
        assert Event.objects.filter(
            kind="identity.business.created", subject_id=str(business.pk)
        ).exists()


def test_the_printed_secrets_sign_an_official_in(demo_accounts, client):
    printed = next(a for a in demo_accounts.accounts if a["login"] == "gaj.clerk")
    response = client.post("/account/login/", {"username": "gaj.clerk", "password": DEMO_PASSWORD})
    assert response["Location"] == "/account/login/verify/"
    code = totp(base64.b32decode(printed["totp_secret"]))
    response = client.post("/account/login/verify/", {"code": f"{code:06d}"})
    assert response["Location"] == "/workbench/" or response.status_code == 302
    assert "公安局" in client.get("/workbench/").content.decode()


def test_a_printed_recovery_code_works(demo_accounts, client):
    printed = next(a for a in demo_accounts.accounts if a["login"] == "sjj.operator")
    client.post("/account/login/", {"username": "sjj.operator", "password": DEMO_PASSWORD})
    response = client.post(
        "/account/login/verify/", {"code": printed["recovery_codes"].split(",")[0]}
    )
    assert response.status_code == 302


def test_a_demo_citizen_signs_in_with_the_printed_login(demo_accounts, client):
    printed = next(a for a in demo_accounts.accounts if a["who"] == "张伟")
    response = client.post(
        "/account/login/", {"username": printed["login"], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
