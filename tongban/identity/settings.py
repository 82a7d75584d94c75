"""Identity's settings, read from the environment (imported by tongban.config.settings).

Kept apart from the models so the settings module can import it before apps load."""

import datetime
import os
from pathlib import Path

from tongban.config.env import SettingError, word_list

LOCKOUT_COOL_OFF = datetime.timedelta(minutes=15)

# Scopes of the OpenID Connect provider. The `tongban.*` scopes carry platform data; a
# client-credentials application (a departmental system acting as itself) may never ask for
# these user scopes: see `oidc.TongbanValidator.validate_scopes`.
USER_SCOPES = {
    "openid": "Sign you in with your Tongban account",
    "profile": "Your name and assurance level",
    "phone": "Your mobile phone number",
    "email": "Your email address",
    "tongban.identity": "Your ID number",
    "tongban.business": "The businesses you may act for",
}
RSA_KEY_BITS = 3072


def whole_number(environ, name: str, default: int, minimum: int = 1) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def signing_keys(environ, var_dir: Path, production: bool) -> list[str]:
    """The OpenID Connect signing keys (RSA, PEM): `TONGBAN_OIDC_KEY_FILES` names files, the
    first signs new id_tokens and the others stay published in the JWKS until tokens they
    signed have expired (rotation). Outside production one key is generated once into var/."""
    paths = word_list(environ, "TONGBAN_OIDC_KEY_FILES")
    if not paths:
        if production:
            raise SettingError("TONGBAN_OIDC_KEY_FILES is required when TONGBAN_ENV=production")
        paths = [str(_generated_key(var_dir / "oidc-signing-key.pem"))]
    keys = []
    for path in paths:
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise SettingError(f"TONGBAN_OIDC_KEY_FILES: cannot read {path} ({error})") from None
        if "PRIVATE KEY" not in text:
            raise SettingError(f"TONGBAN_OIDC_KEY_FILES: {path} holds no PEM private key")
        keys.append(text)
    return keys


def _generated_key(path: Path) -> Path:
    if path.exists():
        return path
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path.parent.mkdir(parents=True, exist_ok=True)
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)
    return path


def oauth2_provider(environ, var_dir: Path, production: bool) -> dict:
    """django-oauth-toolkit's settings: an OpenID Connect provider for departmental systems
    (authorization code + PKCE) that also serves client-credentials applications."""
    keys = signing_keys(environ, var_dir, production)
    return {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": keys[0],
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": keys[1:],
        "OIDC_ISS_ENDPOINT": environ.get("TONGBAN_OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
        "OAUTH2_VALIDATOR_CLASS": "tongban.identity.oidc.TongbanValidator",
        "APPLICATION_ADMIN_CLASS": "tongban.identity.client_admin.ClientAdmin",
        "SCOPES": dict(USER_SCOPES),
        "DEFAULT_SCOPES": ["openid"],
        "PKCE_REQUIRED": True,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,  # nosec B105  # a setting's name, not a secret
        "ID_TOKEN_EXPIRE_SECONDS": 3600,  # nosec B105  # a setting's name, not a secret
        "REFRESH_TOKEN_EXPIRE_SECONDS": 12 * 3600,
        "ROTATE_REFRESH_TOKEN": True,  # nosec B105  # a setting's name, not a secret
        "REFRESH_TOKEN_REUSE_PROTECTION": True,  # nosec B105  # a setting's name, not a secret
        "REQUEST_APPROVAL_PROMPT": "force",  # consent is remembered by identity.Consent
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if production else ["http", "https"],
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,  # nosec B105  # a setting's name, not a secret
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # nosec B105  # a setting's name, not a secret
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # nosec B105  # a setting's name, not a secret
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,  # nosec B105  # a setting's name, not a secret
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    }
