"""The personal centre: masked data, re-authentication, sessions, consents, acting for."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.identity.conftest import PASSWORD
from tongban.identity.models import AccountSession, Person

pytestmark = pytest.mark.django_db


def test_the_profile_masks_the_id_number_and_is_not_cached(signed_in, make_citizen):
    account = make_citizen()
    client = signed_in(account)
    response = client.get("/me/")
    body = response.content.decode()
    assert account.person.id_number not in body
    assert account.person.masked_id_number in body
    assert account.person.phone not in body
    assert "no-store" in response["Cache-Control"]
    assert 'href="/me/data-usage/"' in body


def test_the_personal_centre_needs_a_sign_in(client):
    for path in ("/me/", "/me/security/", "/me/applications/", "/me/acting-for/", "/workbench/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_changing_the_password_asks_for_the_current_one(signed_in, make_citizen):
    account = make_citizen()
    client = signed_in(account)
    wrong = client.post(
        "/me/security/",
        {"action": "password", "current_password": "nope", "new_password": "another long phrase"},
    )
    assert wrong.status_code == 400
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_a_password_change_ends_other_sessions_and_keeps_this_one(signed_in, make_citizen):
    account = make_citizen()
    other = Client()
    other.post("/account/login/", {"username": account.person.phone, "password": PASSWORD})
    client = signed_in(account)
    response = client.post(
        "/me/security/",
        {"action": "password", "current_password": PASSWORD, "new_password": "another long phrase"},
    )
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
    assert other.get("/me/").status_code == 302
    assert AccountSession.objects.filter(account=account, ended_at__isnull=True).count() == 1


def test_repeated_wrong_passwords_on_reauthentication_end_the_session(signed_in, make_citizen):
    account = make_citizen()
    client = signed_in(account)
    for _ in range(5):
        response = client.post(
            "/me/security/",
            {"action": "contact", "current_password": "nope", "phone": "13800000000", "email": ""},
        )
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    account.person.refresh_from_db()
    assert account.person.phone != "13800000000"


def test_changing_phone_and_email_asks_for_the_password(signed_in, make_citizen):
    account = make_citizen()
    client = signed_in(account)
    response = client.post(
        "/me/security/",
        {
            "action": "contact",
            "current_password": PASSWORD,
            "phone": "13811110000",
            "email": "NEW@example.cn",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=account.person.pk)
    assert (person.phone, person.email) == ("13811110000", "new@example.cn")
    assert client.post("/account/logout/").status_code == 302
    again = Client().post("/account/login/", {"username": "13811110000", "password": PASSWORD})
    assert again.status_code == 302


def test_a_phone_of_another_account_is_refused_without_saying_whose(signed_in, make_citizen):
    first, second = make_citizen(), make_citizen()
    client = signed_in(second)
    response = client.post(
        "/me/security/",
        {
            "action": "contact",
            "current_password": PASSWORD,
            "phone": first.person.phone,
            "email": "",
        },
    )
    assert response.status_code == 400
    assert first.person.real_name not in response.content.decode()
    second.person.refresh_from_db()
    assert second.person.phone != first.person.phone


def test_sessions_are_listed_and_one_can_be_ended(signed_in, make_citizen):
    account = make_citizen()
    other = Client()
    other.post(
        "/account/login/",
        {"username": account.person.phone, "password": PASSWORD},
        HTTP_USER_AGENT="OtherPhone",
    )
    client = signed_in(account)
    page = client.get("/me/security/").content.decode()
    assert "OtherPhone" in page
    session = AccountSession.objects.get(account=account, user_agent="OtherPhone")
    response = client.post(f"/me/sessions/{session.pk}/end/")
    assert response.status_code == 302
    assert other.get("/me/").status_code == 302
    assert client.get("/me/").status_code == 200


def test_another_persons_session_cannot_be_ended(signed_in, make_citizen):
    owner, intruder = make_citizen(), make_citizen()
    Client().post("/account/login/", {"username": owner.person.phone, "password": PASSWORD})
    session = AccountSession.objects.get(account=owner)
    client = signed_in(intruder)
    assert client.post(f"/me/sessions/{session.pk}/end/").status_code == 403
    session.refresh_from_db()
    assert session.ended_at is None


def test_sign_out_ends_the_session_on_the_server(signed_in, make_citizen):
    account = make_citizen()
    client = signed_in(account)
    key = client.session.session_key
    client.post("/account/logout/")
    session = AccountSession.objects.get(session_key=key)
    assert session.end_reason == AccountSession.EndReason.LOGOUT
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_idle_sessions_end(signed_in, make_citizen, settings):
    import datetime

    from django.utils import timezone

    account = make_citizen()
    client = signed_in(account)
    AccountSession.objects.filter(account=account).update(
        last_seen_at=timezone.now()
        - datetime.timedelta(seconds=settings.TONGBAN_SESSION_IDLE_SECONDS + 1)
    )
    assert client.get("/me/").status_code == 302
    assert AccountSession.objects.get(account=account).end_reason == "idle"


def test_sessions_end_at_their_absolute_lifetime_even_when_busy(signed_in, make_citizen, settings):
    import datetime

    from django.utils import timezone

    account = make_citizen()
    client = signed_in(account)
    AccountSession.objects.filter(account=account).update(
        started_at=timezone.now()
        - datetime.timedelta(seconds=settings.TONGBAN_SESSION_ABSOLUTE_SECONDS + 1)
    )
    assert client.get("/me/").status_code == 302
    assert AccountSession.objects.get(account=account).end_reason == "expired"


def test_a_citizen_may_add_and_remove_an_authenticator(signed_in, make_citizen):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = make_citizen()
    client = signed_in(account)
    assert client.get("/me/security/mfa/").status_code == 200
    device = TOTPDevice.objects.get(user=account, confirmed=False)
    wrong_password = client.post(
        "/me/security/mfa/", {"code": f"{totp(device.bin_key):06d}", "current_password": "nope"}
    )
    assert wrong_password.status_code == 400
    done = client.post(
        "/me/security/mfa/", {"code": f"{totp(device.bin_key):06d}", "current_password": PASSWORD}
    )
    assert done.status_code == 200 and "recovery" in done.templates[0].name
    # from now on the citizen's sign-in asks for a code
    response = Client().post(
        "/account/login/", {"username": account.person.phone, "password": PASSWORD}
    )
    assert response["Location"] == "/account/login/verify/"
    client.post("/me/security/mfa/remove/", {"current_password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=account).exists()


def test_an_official_cannot_remove_the_second_factor(signed_in, make_official):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = make_official("approver")
    client = signed_in(account)
    client.post("/me/security/mfa/remove/", {"current_password": PASSWORD})
    assert TOTPDevice.objects.filter(user=account, confirmed=True).exists()


def test_acting_for_lists_businesses_and_wards(signed_in, make_citizen, business):
    import datetime

    from tongban.identity import services

    agent = make_citizen("经办甲")
    services.authorize_agent(
        actor="system:test",
        business=business,
        agent=agent.person,
        scopes=["apply", "track"],
        expires_on=datetime.date(2030, 1, 1),
    )
    page = signed_in(agent).get("/me/acting-for/").content.decode()
    assert business.name in page and "2030-01-01" in page
    owner_page = (
        signed_in(business.legal_representative.account).get("/me/acting-for/").content.decode()
    )
    assert "经办甲" in owner_page


def test_signing_out_everywhere_ends_every_session(signed_in, make_citizen):
    account = make_citizen()
    other = Client()
    other.post("/account/login/", {"username": account.person.phone, "password": PASSWORD})
    client = signed_in(account)
    response = client.post("/me/sessions/end-all/")
    assert response.status_code == 302
    assert other.get("/me/").status_code == 302
    assert client.get("/me/").status_code == 302
    assert not AccountSession.objects.filter(account=account, ended_at__isnull=True).exists()
