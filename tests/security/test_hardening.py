"""Web hardening: production cookies and HSTS, rate limits on sign-in and registration, and
regressions for the defects the fuzzer and the authorization matrix found."""

import base64
import json
import os
import secrets

import pytest

from tests.conftest import child_database_url, run_tongban

pytestmark = pytest.mark.django_db


# -- rate limits ---------------------------------------------------------------------------


def test_sign_in_attempts_are_limited_per_address_whatever_the_login(client, settings):
    settings.TONGBAN_RATE_LIMITS = {**settings.TONGBAN_RATE_LIMITS, "login": (3, 60)}
    statuses = [
        client.post("/account/login/", {"username": f"nobody{i}", "password": "x" * 10}).status_code
        for i in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
    refused = client.post("/account/login/", {"username": "someone", "password": "y" * 10})
    assert refused["Retry-After"] == "60"
    assert "too_many" not in refused.content.decode() and "<h1>" in refused.content.decode()
    # Another address is not affected; reading the page is never limited.
    other = client.post(
        "/account/login/", {"username": "x", "password": "y" * 10}, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 400
    assert client.get("/account/login/").status_code == 200


def test_registrations_are_limited_per_address(client, settings):
    settings.TONGBAN_RATE_LIMITS = {**settings.TONGBAN_RATE_LIMITS, "register": (2, 3600)}
    statuses = [client.post("/account/register/", {}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert client.post("/account/register/", {})["Retry-After"] == "3600"


def test_rate_counts_keep_no_address_in_clear(client, settings):
    from tongban.core.models import RateCount

    client.post("/account/login/", {"username": "a", "password": "b"}, REMOTE_ADDR="198.51.100.9")
    keys = list(RateCount.objects.values_list("key", flat=True))
    assert keys and not any("198.51.100.9" in key for key in keys)


def test_the_exchange_limits_each_system_client():
    """Covered in tests/exchange/test_gateway.py::test_the_rate_limit_refuses_and_logs_calls_
    over_it (429 over the client's per-minute limit, each refusal logged)."""
    from tests.exchange import test_gateway

    assert hasattr(test_gateway, "test_the_rate_limit_refuses_and_logs_calls_over_it")


# -- production mode: HSTS, secure cookies -------------------------------------------------


PROBE = """
import json
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="services.example.gov.cn")
page = client.get("/account/login/")
signed = client.post("/account/login/", {"username": "nobody", "password": "wrong-password"})
plain = Client(HTTP_HOST="services.example.gov.cn").get("/")
cookies = {name: dict(morsel) for name, morsel in {**page.cookies, **signed.cookies}.items()}
print(json.dumps({"hsts": page.get("Strict-Transport-Security"), "cookies": cookies,
                  "plain_status": plain.status_code, "plain_location": plain.get("Location"),
                  "csp": page.get("Content-Security-Policy")}))
"""


@pytest.fixture
def production_env(tmp_path, transactional_db):
    from tongban.identity.settings import signing_keys

    key = base64.b64encode(os.urandom(32)).decode()
    signing_keys({}, tmp_path, False)
    return {
        "DATABASE_URL": child_database_url(),
        "TONGBAN_OIDC_KEY_FILES": str(tmp_path / "oidc-signing-key.pem"),
        "TONGBAN_ENV": "production",
        "TONGBAN_SECRET_KEY": secrets.token_urlsafe(60),
        "TONGBAN_ALLOWED_HOSTS": "services.example.gov.cn",
        "TONGBAN_DATA_KEYS": f"k1:{key}",
        "TONGBAN_INDEX_KEY": key,
        "TONGBAN_LEDGER_ORIGIN": "services.example.gov.cn/ledger",
        "TONGBAN_LEDGER_KEYS": f"ed25519:{key}",
        "TONGBAN_LOG_LEVEL": "ERROR",
    }


def test_production_sends_hsts_and_only_secure_httponly_samesite_cookies(production_env):
    result = run_tongban("shell", "-c", PROBE, env=production_env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert {"csrftoken"} <= set(seen["cookies"])
    for name, cookie in seen["cookies"].items():
        assert cookie["secure"] is True, name
        assert cookie["samesite"] == "Lax", name
        if name != "csrftoken":  # the CSRF cookie is read by no script either way
            assert cookie["httponly"] is True, name
    # Plain HTTP is sent to HTTPS.
    assert seen["plain_status"] == 301
    assert seen["plain_location"].startswith("https://services.example.gov.cn/")
    assert "unsafe-inline" not in seen["csp"]


def test_the_session_cookie_is_httponly_and_samesite_in_every_mode(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


# -- regressions ---------------------------------------------------------------------------


def test_an_empty_sign_in_post_is_a_400_not_a_500(client):
    """Found by the authorization matrix: an unbound form had no errors to add to."""
    response = client.post("/account/login/", {})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/api/v1/licences/-1/credential", "/api/v1/no-such-thing", "/govstack/registries/nothing"],
)
def test_unmatched_api_paths_answer_the_declared_json_error(client, path):
    """Found by schemathesis: a path parameter of the wrong type never reached the router and
    got the HTML 404 page, an undeclared content type."""
    response = client.post(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/me/", "/me/applications/", "/me/acting-for/", "/workbench/"])
def test_personal_pages_answer_only_get(client, django_user_model, path):
    """Found by the authorization matrix: these pages answered POST, PUT and DELETE like GET."""
    account = django_user_model.objects.create_user(
        "matrix-person", "a-long-password-1", display_name="x", kind="person"
    )
    client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
    assert client.delete(path).status_code == 405
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", ["/oauth/authorize/", "/oauth/logout/"])
def test_oauth_pages_refuse_put(client, django_user_model, path):
    account = django_user_model.objects.create_user(
        "oauth-person", "a-long-password-1", display_name="x", kind="person"
    )
    client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
    assert client.put(path).status_code == 405


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    """Tests prepend a fast hasher for speed; the platform's own first hasher is argon2."""
    from tongban.config import settings as platform_settings

    assert platform_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_govstack_registration_declares_the_400_it_answers_for_a_nul(client):
    """Found by schemathesis after main refused NUL characters: the 400 was not declared."""
    schema = client.get("/govstack/registration/openapi.json").json()
    for path in schema["paths"].values():
        for operation in path.values():
            assert "400" in operation["responses"]
    response = client.get("/govstack/registration/services", {"name": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_govstack_registration_answers_a_failed_csrf_check_in_its_declared_shape(
    django_user_model,
):
    """Found by schemathesis: ninja's `{"detail": "CSRF check Failed"}` broke the declared
    systemError schema of the 403."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    account = django_user_model.objects.create_user(
        "csrf-person", "a-long-password-1", display_name="x", kind="person"
    )
    client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
    response = client.post("/govstack/registration/documents", {}, content_type="application/json")
    assert response.status_code == 403
    assert set(response.json()) == {"traceId", "code", "message", "localizedMessage"}
