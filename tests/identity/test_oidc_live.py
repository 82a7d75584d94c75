"""A real OpenID Connect client (Authlib) against a live Tongban: code + PKCE, id_token
verified against the JWKS, userinfo, RP-initiated logout — and the refusals."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from oauth2_provider.models import AccessToken, Grant

from tests.identity.conftest import PASSWORD
from tongban.identity import selectors, services
from tongban.identity.models import AccountSession, Consent

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT = "http://rp.example/callback"
AFTER_LOGOUT = "http://rp.example/signed-out"
SCOPES = "openid profile phone email tongban.identity tongban.business"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@pytest.fixture
def discovery(live_server):
    response = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def rp():
    application, secret = services.create_oidc_client(
        actor="system:test",
        name="示范市不动产登记系统",
        redirect_uris=[REDIRECT],
        post_logout_redirect_uris=[AFTER_LOGOUT],
        confidential=True,
    )
    return application, secret


def browser_signed_in(live_server, account) -> requests.Session:
    """A browser-like session that signed in through Tongban's real sign-in page."""
    browser = requests.Session()
    browser.get(f"{live_server.url}/account/login/", timeout=10)
    response = browser.post(
        f"{live_server.url}/account/login/",
        data={
            "username": account.person.phone,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    return browser


def authorize(browser, client, discovery, *, share_id_number=True, **extra):
    """Follow the authorization request through the consent screen; returns the redirect."""
    url, state = client.create_authorization_url(
        discovery["authorization_endpoint"], nonce="n-0S6_WzA2Mj", **extra
    )
    page = browser.get(url, allow_redirects=False, timeout=10)
    if page.status_code == 302:
        return page.headers["Location"], state
    assert page.status_code == 200, page.text[:300]
    form = dict(HIDDEN.findall(page.text))
    form["allow"] = "Authorize"
    if share_id_number:
        form["share_id_number"] = "yes"
    consent = browser.post(page.url, data=form, allow_redirects=False, timeout=10)
    assert consent.status_code == 302
    return consent.headers["Location"], state


def test_code_flow_with_pkce_id_token_userinfo_and_logout(
    live_server, discovery, rp, make_citizen, business
):
    application, secret = rp
    account = business.legal_representative.account
    browser = browser_signed_in(live_server, account)
    assert discovery["issuer"] == live_server.url
    assert discovery["subject_types_supported"] == ["pairwise"]
    assert "S256" in discovery["code_challenge_methods_supported"]

    client = OAuth2Session(
        application.client_id,
        secret,
        scope=SCOPES,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier = "v" * 64
    location, state = authorize(browser, client, discovery, code_verifier=verifier)
    assert location.startswith(REDIRECT)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state] and query["iss"] == [live_server.url]

    token = client.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier=verifier
    )

    # the id_token's signature checks out against the published keys
    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()
    claims = jwt.decode(
        token["id_token"],
        JsonWebKey.import_key_set(jwks),
        claims_options={
            "iss": {"essential": True, "value": discovery["issuer"]},
            "aud": {"essential": True, "value": application.client_id},
            "nonce": {"essential": True, "value": "n-0S6_WzA2Mj"},
        },
    )
    claims.validate()
    assert claims.header["alg"] == "RS256"
    assert claims["sub"] == selectors.pairwise_subject(account=account, application=application)
    assert claims["sub"] != str(account.pk)
    assert "tongban_id_number" not in claims and "phone_number" not in claims

    userinfo = client.get(discovery["userinfo_endpoint"], timeout=10).json()
    person = account.person
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["name"] == person.real_name
    assert userinfo["tongban_id_number"] == person.id_number
    assert userinfo["phone_number"] == f"+86{person.phone}"
    assert userinfo["email"] == person.email
    assert userinfo["tongban_businesses"][0]["credit_code"] == business.credit_code
    assert userinfo["tongban_businesses"][0]["relation"] == "legal_representative"

    # a second sign-in by the same client skips the consent screen
    second, _state = authorize(browser, client, discovery, code_verifier=verifier)
    assert second.startswith(REDIRECT) and "code=" in second

    logout = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "bye",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert logout.status_code == 302
    assert logout.headers["Location"].startswith(AFTER_LOGOUT)
    assert not AccountSession.objects.filter(account=account, ended_at__isnull=True).exists()
    assert client.get(discovery["userinfo_endpoint"], timeout=10).status_code == 401
    assert (
        browser.get(f"{live_server.url}/me/", allow_redirects=False, timeout=10).status_code == 302
    )


def test_the_id_number_is_released_only_when_its_box_is_ticked(
    live_server, discovery, rp, make_citizen
):
    application, secret = rp
    account = make_citizen()
    browser = browser_signed_in(live_server, account)
    client = OAuth2Session(
        application.client_id,
        secret,
        scope=SCOPES,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    location, _state = authorize(
        browser, client, discovery, share_id_number=False, code_verifier="w" * 64
    )
    client.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier="w" * 64
    )
    userinfo = client.get(discovery["userinfo_endpoint"], timeout=10).json()
    assert "tongban_id_number" not in userinfo
    assert userinfo["name"] == account.person.real_name
    consent = Consent.objects.get(account=account)
    assert "tongban.identity" not in consent.scopes


def test_subjects_are_pairwise_per_client(make_citizen):
    account = make_citizen()
    first, _ = services.create_oidc_client(
        actor="system:test", name="A", redirect_uris=[REDIRECT], confidential=True
    )
    second, _ = services.create_oidc_client(
        actor="system:test", name="B", redirect_uris=[REDIRECT], confidential=True
    )
    grouped, _ = services.create_oidc_client(
        actor="system:test",
        name="C",
        redirect_uris=[REDIRECT],
        confidential=True,
        sector=first.tongban_client.sector,
    )
    subject = selectors.pairwise_subject
    assert subject(account=account, application=first) != subject(
        account=account, application=second
    )
    assert subject(account=account, application=first) == subject(
        account=account, application=grouped
    )


def test_a_request_without_pkce_gets_no_code(live_server, discovery, rp, make_citizen):
    application, _secret = rp
    browser = browser_signed_in(live_server, make_citizen())
    response = browser.get(
        discovery["authorization_endpoint"],
        params={
            "client_id": application.client_id,
            "response_type": "code",
            "redirect_uri": REDIRECT,
            "scope": "openid",
            "state": "s",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query)["error"] == ["invalid_request"]
    assert not Grant.objects.exists()


def test_plain_pkce_is_refused(live_server, discovery, rp, make_citizen):
    application, secret = rp
    browser = browser_signed_in(live_server, make_citizen())
    client = OAuth2Session(
        application.client_id,
        secret,
        scope="openid",
        redirect_uri=REDIRECT,
        code_challenge_method="plain",
    )
    location, _state = authorize(browser, client, discovery, code_verifier="p" * 64)
    assert parse_qs(urlsplit(location).query)["error"] == ["invalid_request"]
    assert not Grant.objects.exists()


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(
    live_server, discovery, rp, make_citizen
):
    application, _secret = rp
    browser = browser_signed_in(live_server, make_citizen())
    response = browser.get(
        discovery["authorization_endpoint"],
        params={
            "client_id": application.client_id,
            "response_type": "code",
            "redirect_uri": "https://evil.example/cb",
            "scope": "openid",
            "state": "s",
            "code_challenge": create_s256_code_challenge("z" * 64),
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert not Grant.objects.exists()


def test_a_code_for_another_client_is_refused(live_server, discovery, rp, make_citizen):
    application, secret = rp
    other, other_secret = services.create_oidc_client(
        actor="system:test", name="另一个系统", redirect_uris=[REDIRECT], confidential=True
    )
    browser = browser_signed_in(live_server, make_citizen())
    client = OAuth2Session(
        application.client_id,
        secret,
        scope="openid",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    location, _state = authorize(browser, client, discovery, code_verifier="q" * 64)
    code = parse_qs(urlsplit(location).query)["code"][0]

    def redeem(verifier: str, auth: tuple[str, str]) -> requests.Response:
        return requests.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
            },
            auth=auth,
            timeout=10,
        )

    stolen = redeem("q" * 64, (other.client_id, other_secret))
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    wrong_verifier = redeem("r" * 64, (application.client_id, secret))
    assert wrong_verifier.status_code == 400
    assert not AccessToken.objects.exists()
