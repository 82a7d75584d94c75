"""Sign-in: identifiers, no enumeration, second factor for officials, replay, lockout, next."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from tests.identity.conftest import PASSWORD, current_code
from tongban.identity.models import AccountSession
from tongban.identity.views import SIGN_IN_FAILED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["id_number", "phone", "email", "email_upper"])
def test_a_citizen_signs_in_with_id_number_phone_or_email(which, client, make_citizen):
    account = make_citizen()
    person = account.person
    login = {
        "id_number": person.id_number.lower(),
        "phone": person.phone,
        "email": person.email,
        "email_upper": person.email.upper(),
    }[which]
    response = client.post("/account/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(account.pk)
    assert AccountSession.objects.filter(account=account, ended_at__isnull=True).count() == 1


def test_failures_say_the_same_whether_or_not_the_account_exists(client, make_citizen):
    account = make_citizen()
    wrong_password = client.post(
        "/account/login/", {"username": account.person.phone, "password": "not the password"}
    )
    unknown = client.post("/account/login/", {"username": "13799999999", "password": "whatever1"})
    assert wrong_password.status_code == unknown.status_code == 400
    assert str(SIGN_IN_FAILED) in wrong_password.content.decode()
    assert str(SIGN_IN_FAILED) in unknown.content.decode()
    # no personal data stored by the lockout counter
    assert not AccessAttempt.objects.filter(username=account.person.phone).exists()


def test_a_new_session_id_at_sign_in(client, make_citizen):
    account = make_citizen()
    client.get("/account/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/account/login/", {"username": account.person.phone, "password": PASSWORD})
    assert client.session.session_key != before


def test_an_official_needs_password_and_totp(client, make_official):
    account = make_official("approver")
    response = client.post("/account/login/", {"username": account.login, "password": PASSWORD})
    assert response["Location"] == "/account/login/verify/"
    assert SESSION_KEY not in client.session  # not signed in after the password alone
    assert client.get("/workbench/").status_code == 302
    response = client.post("/account/login/verify/", {"code": current_code(account)})
    assert response.status_code == 302
    page = client.get("/workbench/")
    assert page.status_code == 200
    assert "测试局0" in page.content.decode()


def test_a_replayed_totp_code_is_refused(client, make_official):
    account = make_official("approver")
    client.post("/account/login/", {"username": account.login, "password": PASSWORD})
    code = current_code(account)
    assert client.post("/account/login/verify/", {"code": code}).status_code == 302
    client.post("/account/logout/")
    client.post("/account/login/", {"username": account.login, "password": PASSWORD})
    replay = client.post("/account/login/verify/", {"code": code})
    assert replay.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once(client, make_official):
    from tongban.identity import services

    account = make_official("approver")
    codes = services.regenerate_recovery_codes(account=account)
    for expected in (302, 400):
        client.post("/account/login/", {"username": account.login, "password": PASSWORD})
        response = client.post("/account/login/verify/", {"code": codes[0]})
        assert response.status_code == expected
        client.post("/account/logout/")


def test_too_many_wrong_codes_send_the_official_back_to_the_password(client, make_official):
    account = make_official("approver")
    client.post("/account/login/", {"username": account.login, "password": PASSWORD})
    for _ in range(5):
        response = client.post("/account/login/verify/", {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == "/account/login/"
    again = client.post("/account/login/verify/", {"code": current_code(account)})
    assert again["Location"] == "/account/login/"  # the pending password step is gone


def test_an_official_without_an_authenticator_enrols_at_first_sign_in(client, make_official):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = make_official("counter_clerk")
    TOTPDevice.objects.filter(user=account).delete()
    client.post("/account/login/", {"username": account.login, "password": PASSWORD})
    page = client.get("/account/login/verify/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=account, confirmed=False)
    response = client.post("/account/login/verify/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200
    assert "recovery" in response.templates[0].name
    assert client.get("/workbench/").status_code == 200


def test_an_official_signed_in_with_the_password_only_is_signed_out(client, make_official):
    """The admin's own login form (or any other) cannot skip the second factor."""
    account = make_official("operator")
    client.force_login(account)
    assert client.get("/workbench/").status_code == 302
    assert SESSION_KEY not in client.session


def test_admin_login_goes_through_tongbans_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(target, client, make_citizen):
    account = make_citizen()
    response = client.post(
        "/account/login/", {"username": account.person.phone, "password": PASSWORD, "next": target}
    )
    assert response["Location"] == "/me/"


def test_next_on_the_site_is_followed(client, make_citizen):
    account = make_citizen()
    response = client.post(
        "/account/login/",
        {"username": account.person.phone, "password": PASSWORD, "next": "/me/security/"},
    )
    assert response["Location"] == "/me/security/"


def test_lockout_after_five_failures_for_one_name_from_one_address(client, make_citizen):
    account = make_citizen()
    phone = account.person.phone
    for _ in range(5):
        client.post("/account/login/", {"username": phone, "password": "wrong password"})
    locked = client.post("/account/login/", {"username": phone, "password": PASSWORD})
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    # another address is not locked out for this name (no lock-out of the user by others)
    other = client.post(
        "/account/login/", {"username": phone, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 302


def test_lockout_ends_after_the_cool_off(client, make_citizen, settings):
    import datetime

    from django.utils import timezone

    account = make_citizen()
    phone = account.person.phone
    for _ in range(5):
        client.post("/account/login/", {"username": phone, "password": "wrong password"})
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = client.post("/account/login/", {"username": phone, "password": PASSWORD})
    assert response.status_code == 302


def test_a_spoofed_forwarded_header_does_not_change_the_address(client, make_citizen):
    account = make_citizen()
    phone = account.person.phone
    for i in range(5):
        client.post(
            "/account/login/",
            {"username": phone, "password": "wrong password"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    locked = client.post(
        "/account/login/",
        {"username": phone, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert locked.status_code == 429


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(
    client, make_citizen, make_official
):
    from tongban.identity import services

    account = make_citizen()
    client.post("/account/login/", {"username": account.person.phone, "password": PASSWORD})
    assert client.get("/me/").status_code == 200
    operator = make_official("operator")
    services.disable_account(actor=operator, account=account)
    assert client.get("/me/").status_code == 302
    assert not AccountSession.objects.filter(account=account, ended_at__isnull=True).exists()
    again = client.post("/account/login/", {"username": account.person.phone, "password": PASSWORD})
    assert again.status_code == 400


def test_behind_trusted_proxies_the_outermost_proxys_view_is_the_address(rf, settings):
    from tongban.identity.addresses import client_address

    settings.TONGBAN_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "203.0.113.7"
    settings.TONGBAN_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TONGBAN_TRUSTED_PROXY_COUNT = 1
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk")) is None


def test_session_settings_come_from_the_environment():
    from tongban.config.env import SettingError
    from tongban.identity.settings import whole_number

    assert whole_number({"X": "45"}, "X", 30) == 45
    assert whole_number({}, "X", 30) == 30
    assert whole_number({"X": "0"}, "X", 1, minimum=0) == 0
    for bad in ("0", "-1", "ten"):
        with pytest.raises(SettingError, match="X"):
            whole_number({"X": bad}, "X", 30)


def test_the_failure_message_is_in_the_visitors_language(client):
    zh = client.post(
        "/account/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    en = client.post(
        "/account/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "登录信息不正确" in zh.content.decode()
    assert "The sign-in details are not correct" in en.content.decode()
