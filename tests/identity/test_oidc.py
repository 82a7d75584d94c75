"""The provider's configuration: discovery, key rotation, the client command, client
credentials for departmental systems, consent."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings

from tongban.identity.models import OidcClient

pytestmark = pytest.mark.django_db


def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_discovery_names_the_endpoints_and_claims(client):
    document = client.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://testserver"
    assert document["jwks_uri"] == "http://testserver/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"tongban_id_number", "tongban_businesses", "phone_number"} <= set(
        document["claims_supported"]
    )
    assert "end_session_endpoint" in document


def test_key_rotation_keeps_the_old_key_in_the_jwks(client, settings):
    old, new = pem(), pem()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": new,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old],
    }
    try:
        keys = client.get("/.well-known/jwks.json").json()["keys"]
        assert len(keys) == 2
        assert all(k["kty"] == "RSA" and k["alg"] == "RS256" for k in keys)
        assert len({k["kid"] for k in keys}) == 2
    finally:
        oauth2_settings.reload()


def test_signing_keys_come_from_files_in_order(tmp_path):
    from tongban.identity.settings import signing_keys

    first, second = tmp_path / "new.pem", tmp_path / "old.pem"
    first.write_text(pem())
    second.write_text(pem())
    keys = signing_keys({"TONGBAN_OIDC_KEY_FILES": f"{first},{second}"}, tmp_path, True)
    assert keys == [first.read_text(), second.read_text()]


def test_production_needs_signing_key_files(tmp_path):
    from tongban.config.env import SettingError
    from tongban.identity.settings import signing_keys

    with pytest.raises(SettingError, match="TONGBAN_OIDC_KEY_FILES"):
        signing_keys({}, tmp_path, True)
    bad = tmp_path / "bad.pem"
    bad.write_text("hello")
    with pytest.raises(SettingError, match="no PEM private key"):
        signing_keys({"TONGBAN_OIDC_KEY_FILES": str(bad)}, tmp_path, True)


def test_the_command_creates_a_confidential_client(tongban_command, child_env):
    result = tongban_command(
        "oidc-client",
        "create",
        "--name",
        "不动产登记系统",
        "--redirect-uri",
        "https://bdc.example.gov.cn/oidc/callback",
        "--confidential",
        env=child_env,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    application = Application.objects.get(client_id=lines["client_id"])
    assert application.client_type == "confidential"
    assert application.algorithm == "RS256"
    assert application.client_secret != lines["client_secret"]  # only a hash is kept
    assert (
        OidcClient.objects.get(application=application).sector == f"client:{application.client_id}"
    )


def test_the_command_refuses_a_bad_redirect_uri(tongban_command, child_env):
    result = tongban_command(
        "oidc-client", "create", "--name", "x", "--redirect-uri", "not a uri", env=child_env
    )
    assert result.returncode != 0
    assert "redirect_uris" in result.stderr
    assert not Application.objects.exists()


def client_credentials_app():
    app = Application(
        name="部门交换系统",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="s3cret-for-tests-only-0123456789",
        hash_client_secret=True,
    )
    app.save()
    return app


def test_a_client_credentials_application_gets_a_token(client):
    app = client_credentials_app()
    response = client.post(
        "/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(app.client_id, "s3cret-for-tests-only-0123456789"),
    )
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["token_type"] == "Bearer" and body["scope"] == ""


@pytest.mark.parametrize("scope", ["openid", "tongban.identity", "profile email"])
def test_a_client_credentials_token_never_carries_a_persons_scopes(client, scope):
    app = client_credentials_app()
    response = client.post(
        "/oauth/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=_basic(app.client_id, "s3cret-for-tests-only-0123456789"),
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "invalid_scope"


def _basic(client_id: str, secret: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
