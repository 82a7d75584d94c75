"""Tokens across clients and keys, with Django's test client (the whole flow against a live
server with Authlib is in test_oidc_live.py): an id_token signed before a key rotation still
verifies against the JWKS and still ends its session; client B can neither introspect, revoke
nor refresh client A's tokens, nor end a session with A's id_token; discovery offers RS256
only."""

import base64
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.jose import JsonWebKey, jwt
from authlib.jose.errors import JoseError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from tongban.identity import selectors, services
from tongban.identity.models import AccountSession

pytestmark = pytest.mark.django_db

REDIRECT = "http://rp-a.example/callback"
AFTER_LOGOUT_A = "http://rp-a.example/signed-out"
AFTER_LOGOUT_B = "http://rp-b.example/signed-out"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
VERIFIER = "k" * 64


def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def keys(settings):
    """Two signing keys; the first signs until `rotate` puts the second first."""
    old, new = pem(), pem()

    def use(active: str, *inactive: str) -> None:
        settings.OAUTH2_PROVIDER = {
            **settings.OAUTH2_PROVIDER,
            "OIDC_RSA_PRIVATE_KEY": active,
            "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(inactive),
        }

    use(old)
    return {"old": old, "new": new, "use": use}


def make_client(name: str, logout_uri: str):
    return services.create_oidc_client(
        actor="system:test",
        name=name,
        redirect_uris=[REDIRECT],
        post_logout_redirect_uris=[logout_uri],
        confidential=True,
    )


@pytest.fixture
def rp_a(keys):
    return make_client("系统甲", AFTER_LOGOUT_A)


@pytest.fixture
def rp_b(keys):
    return make_client("系统乙", AFTER_LOGOUT_B)


def basic(application, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()


def sign_in_to(browser: Client, rp, scope: str = "openid profile") -> dict:
    """The code flow with PKCE through the consent screen; returns the token response."""
    application, secret = rp
    query = urlencode(
        {
            "client_id": application.client_id,
            "response_type": "code",
            "redirect_uri": REDIRECT,
            "scope": scope,
            "state": "s",
            "nonce": "n",
            "code_challenge": create_s256_code_challenge(VERIFIER),
            "code_challenge_method": "S256",
        }
    )
    page = browser.get(f"/oauth/authorize/?{query}")
    if page.status_code == 200:
        form = dict(HIDDEN.findall(page.content.decode()))
        page = browser.post(f"/oauth/authorize/?{query}", {**form, "allow": "Authorize"})
    assert page.status_code == 302, page.content.decode()[:500]
    code = parse_qs(urlsplit(page["Location"]).query)["code"][0]
    token = Client().post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": VERIFIER,
        },
        HTTP_AUTHORIZATION=basic(application, secret),
    )
    assert token.status_code == 200, token.content
    return token.json()


def verify_with_jwks(id_token: str, application):
    jwks = Client().get("/.well-known/jwks.json").json()
    claims = jwt.decode(
        id_token,
        JsonWebKey.import_key_set(jwks),
        claims_options={"aud": {"essential": True, "value": application.client_id}},
    )
    claims.validate()
    return claims


def kid(id_token: str) -> str:
    import json

    header = id_token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def thumbprint(key_pem: str) -> str:
    from jwcrypto import jwk

    return jwk.JWK.from_pem(key_pem.encode()).thumbprint()


def open_sessions(account) -> int:
    return AccountSession.objects.filter(account=account, ended_at__isnull=True).count()


def test_an_id_token_signed_by_a_rotated_out_key_still_verifies_and_ends_its_session(
    keys, rp_a, make_citizen, client_as
):
    application, _secret = rp_a
    account = make_citizen()
    browser = client_as(account)
    before = sign_in_to(browser, rp_a)["id_token"]
    assert kid(before) == thumbprint(keys["old"])

    keys["use"](keys["new"], keys["old"])  # rotation: the new key signs, the old one stays
    assert verify_with_jwks(before, application)["sub"] == selectors.pairwise_subject(
        account=account, application=application
    )
    after = sign_in_to(browser, rp_a)["id_token"]
    assert kid(after) == thumbprint(keys["new"])
    verify_with_jwks(after, application)

    logout = browser.get(
        "/oauth/logout/",
        {"id_token_hint": before, "post_logout_redirect_uri": AFTER_LOGOUT_A, "state": "x"},
    )
    assert logout.status_code == 302 and logout["Location"].startswith(AFTER_LOGOUT_A)
    assert open_sessions(account) == 0


def test_once_the_old_key_is_dropped_its_id_tokens_no_longer_verify(
    keys, rp_a, make_citizen, client_as
):
    application, _secret = rp_a
    account = make_citizen()
    browser = client_as(account)
    before = sign_in_to(browser, rp_a)["id_token"]
    keys["use"](keys["new"])  # the old key is gone from the JWKS
    with pytest.raises((JoseError, ValueError)):  # authlib: no key with this kid
        verify_with_jwks(before, application)
    logout = browser.get(
        "/oauth/logout/", {"id_token_hint": before, "post_logout_redirect_uri": AFTER_LOGOUT_A}
    )
    assert logout.status_code == 400
    assert open_sessions(account) == 1


def introspect(rp, token: str, **extra):
    application, secret = rp
    return Client().post(
        "/oauth/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic(application, secret)
    )


def test_a_client_introspects_its_own_tokens_only(rp_a, rp_b, make_citizen, client_as):
    account = make_citizen()
    tokens = sign_in_to(client_as(account), rp_a)
    own = introspect(rp_a, tokens["access_token"])
    assert own.status_code == 200
    body = own.json()
    assert body["active"] is True and body["client_id"] == rp_a[0].client_id
    assert body["sub"] == selectors.pairwise_subject(account=account, application=rp_a[0])
    assert "username" not in body and account.login not in own.content.decode()

    assert introspect(rp_b, tokens["access_token"]).json() == {"active": False}
    assert introspect(rp_b, "no-such-token").json() == {"active": False}
    anonymous = Client().post("/oauth/introspect/", {"token": tokens["access_token"]})
    assert anonymous.status_code in (401, 403)
    in_url = Client().get(
        "/oauth/introspect/",
        {"token": tokens["access_token"]},
        HTTP_AUTHORIZATION=basic(*rp_a),
    )
    assert in_url.status_code == 405


def test_client_b_cannot_revoke_or_refresh_client_as_tokens(rp_a, rp_b, make_citizen, client_as):
    tokens = sign_in_to(client_as(make_citizen()), rp_a)
    b_app, b_secret = rp_b
    revoked = Client().post(
        "/oauth/revoke_token/",
        {"token": tokens["access_token"], "token_type_hint": "access_token"},
        HTTP_AUTHORIZATION=basic(b_app, b_secret),
    )
    assert revoked.status_code == 200  # RFC 7009: the same answer, nothing revoked
    assert introspect(rp_a, tokens["access_token"]).json()["active"] is True
    userinfo = Client().get(
        "/oauth/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )
    assert userinfo.status_code == 200

    refreshed = Client().post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic(b_app, b_secret),
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    own = Client().post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic(*rp_a),
    )
    assert own.status_code == 200  # the refresh token was not used up by B's attempt


@pytest.mark.parametrize(
    "params",
    [
        lambda a, b: {"client_id": b.client_id, "post_logout_redirect_uri": AFTER_LOGOUT_B},
        lambda a, b: {"client_id": b.client_id},
        lambda a, b: {"post_logout_redirect_uri": AFTER_LOGOUT_B},
    ],
)
def test_an_id_token_hint_of_another_client_is_refused_at_logout(
    params, rp_a, rp_b, make_citizen, client_as
):
    account = make_citizen()
    browser = client_as(account)
    id_token = sign_in_to(browser, rp_a)["id_token"]
    response = browser.get(
        "/oauth/logout/", {"id_token_hint": id_token, **params(rp_a[0], rp_b[0])}
    )
    assert response.status_code == 400
    assert AFTER_LOGOUT_B not in response.get("Location", "")
    assert open_sessions(account) == 1
    assert introspect(rp_a, sign_in_to(browser, rp_a)["access_token"]).json()["active"]


def test_discovery_offers_rs256_only_and_the_admin_no_hs256(make_official, client_as):
    document = Client().get("/.well-known/openid-configuration")
    assert document.json()["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["Access-Control-Allow-Origin"] == "*"
    page = client_as(make_official("operator")).get("/admin/oauth2_provider/application/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="RS256"' in html and '<option value="HS256"' not in html
