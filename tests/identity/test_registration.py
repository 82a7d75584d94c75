"""Registration: specific refusals for bad input, nothing changed, no account enumeration."""

import datetime

import pytest

from tests.identity.conftest import new_id_number
from tongban.core.models import Event
from tongban.demo.codes import id_number
from tongban.identity.models import Account, Person

pytestmark = pytest.mark.django_db


def form(**overrides):
    return {
        "real_name": "注册甲",
        "id_number": new_id_number(),
        "phone": "13611112222",
        "email": "new@example.cn",
        "password": "a long pass phrase",
        **overrides,
    }


def snapshot():
    return Account.objects.count(), Person.objects.count(), Event.objects.count()


def test_registration_creates_an_l1_account_that_signs_in(client):
    data = form()
    response = client.post("/account/register/", data)
    assert response.status_code == 200
    person = Person.objects.get(id_number_index=Person.index_for(data["id_number"]))
    assert person.assurance == Person.Assurance.L1
    assert person.account.check_password(data["password"])
    assert Event.objects.filter(kind="identity.account.registered").count() == 1
    signed_in = client.post(
        "/account/login/", {"username": "13611112222", "password": data["password"]}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("id_number", "110105199001011235", "check digit"),
        ("id_number", id_number("110105", datetime.date(2099, 1, 1), 11), "future"),
        ("id_number", "1101051990", "18 characters"),
        ("phone", "12345", "11-digit"),
        ("phone", "23900000001", "11-digit"),
        ("password", "short", "too short"),
        ("password", "x" * 65, "at most 64"),
        ("password", "password123", "too common"),
        ("real_name", "", "required"),
    ],
)
def test_bad_input_is_refused_specifically_and_changes_nothing(
    client, field, value, message, settings
):
    settings.LANGUAGE_CODE = "en"
    before = snapshot()
    response = client.post("/account/register/", form(**{field: value}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_refusals_are_localized(client):
    response = client.post("/account/register/", form(phone="123"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请输入以 1 开头的 11 位手机号码" in response.content.decode()


def test_long_passphrases_without_composition_rules_are_accepted(client):
    response = client.post("/account/register/", form(password="我家门前有两棵枣树"))
    assert response.status_code == 200
    assert Account.objects.filter(kind="person").count() == 1


@pytest.mark.parametrize("duplicate", ["id_number", "phone", "email"])
def test_a_duplicate_gets_the_same_answer_and_changes_nothing(client, make_citizen, duplicate):
    existing = make_citizen().person
    fresh = client.post("/account/register/", form()).content.decode()
    before = Account.objects.count(), Person.objects.count()
    value = {"id_number": existing.id_number, "phone": existing.phone, "email": existing.email}
    response = client.post(
        "/account/register/",
        form(id_number=new_id_number(), phone="13622223333", email="other@example.cn")
        | {duplicate: value[duplicate]},
    )
    assert response.status_code == 200
    assert _main(response.content.decode()) == _main(fresh)
    assert (Account.objects.count(), Person.objects.count()) == before
    assert Event.objects.filter(kind="identity.registration.refused").count() == 1
    assert existing.id_number not in str(Event.objects.values_list("payload", flat=True))


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]
