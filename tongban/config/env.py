"""Read Tongban's settings from the environment, and nothing else.

Every problem raises `SettingError`, whose message is one line naming the setting, so start-up
can stop with that line instead of a traceback (see `tongban.manage.main`)."""

import base64
import binascii
import ipaddress
import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

CRYPTO_SUITES = ("intl", "gm")
ENVIRONMENTS = ("development", "production")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class SettingError(ImproperlyConfigured):
    """A setting in the environment is missing or wrong; the message names it."""


def flag(environ, name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingError(f"{name} must be true or false, not {raw!r}")


def choice(environ, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = environ.get(name, default).strip()
    if value not in allowed:
        raise SettingError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def seconds(environ, name: str, default: float, *, low: float = 0.05, high: float = 60) -> float:
    """A duration in seconds within [low, high]."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingError(f"{name} must be a number of seconds from {low} to {high}, not {text!r}")
    return value


def word_list(environ, name: str, default: str = "") -> list[str]:
    return [part.strip() for part in environ.get(name, default).split(",") if part.strip()]


def networks(environ, name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR blocks, normalized (`10.0.0.5,10.1.0.0/16`)."""
    result = []
    for part in word_list(environ, name):
        try:
            result.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise SettingError(f"{name}: {part!r} is not an IP address or CIDR block") from None
    return result


def database(environ, var_dir: Path) -> dict:
    """Parse DATABASE_URL (default: SQLite under var/, in WAL mode)."""
    import dj_database_url

    url = environ.get("DATABASE_URL", "").strip() or f"sqlite:///{var_dir / 'tongban.sqlite3'}"
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise SettingError(
            f"DATABASE_URL must start with sqlite:// or postgresql://, not {scheme or url!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as exc:
        raise SettingError(f"DATABASE_URL cannot be parsed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise SettingError("DATABASE_URL names no SQLite file")
        config["ENGINE"] = "tongban.core.sqlite"  # writers queue without long sleeps
        config["OPTIONS"] = {
            # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
            # BEGIN, so concurrent writers wait (busy timeout) instead of failing on upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests use a file, not memory, so that servers and workers they start can share it.
        config["TEST"] = {"NAME": str(var_dir / "test.sqlite3")}
    else:
        if not config.get("NAME"):
            raise SettingError("DATABASE_URL names no PostgreSQL database")
        config["CONN_HEALTH_CHECKS"] = True
    return config


def secret_key(environ, var_dir: Path, production: bool) -> str:
    """The secret key: from TONGBAN_SECRET_KEY, or generated once into var/ outside production."""
    key = environ.get("TONGBAN_SECRET_KEY", "").strip()
    if key:
        if production and len(key) < 50:
            raise SettingError("TONGBAN_SECRET_KEY must be at least 50 characters in production")
        return key
    if production:
        raise SettingError("TONGBAN_SECRET_KEY is required when TONGBAN_ENV=production")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


KEY_BYTES = 32


def _decode_key(name: str, text: str) -> str:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SettingError(f"{name} must hold base64-encoded keys") from None
    if len(raw) != KEY_BYTES:
        raise SettingError(f"{name} keys must be {KEY_BYTES} bytes (base64 of 32 random bytes)")
    return text


def crypto_keys(environ, var_dir: Path, production: bool) -> tuple[list[tuple[str, str]], str]:
    """Data keys (`TONGBAN_DATA_KEYS`: `id:base64,...`, the first encrypts, all decrypt) and the
    blind-index key (`TONGBAN_INDEX_KEY`: base64). Outside production both are generated once
    into var/keys.json when not set."""
    data_raw = environ.get("TONGBAN_DATA_KEYS", "").strip()
    index_raw = environ.get("TONGBAN_INDEX_KEY", "").strip()
    if production and not data_raw:
        raise SettingError("TONGBAN_DATA_KEYS is required when TONGBAN_ENV=production")
    if production and not index_raw:
        raise SettingError("TONGBAN_INDEX_KEY is required when TONGBAN_ENV=production")
    if not (data_raw and index_raw):
        generated = _generated_keys(var_dir)
        data_raw = data_raw or generated["data_keys"]
        index_raw = index_raw or generated["index_key"]
    keys = []
    for part in data_raw.split(","):
        key_id, sep, material = part.strip().partition(":")
        if not sep or not key_id or not key_id.isalnum():
            raise SettingError("TONGBAN_DATA_KEYS must look like id:base64key[,id:base64key]")
        keys.append((key_id, _decode_key("TONGBAN_DATA_KEYS", material)))
    if len({key_id for key_id, _ in keys}) != len(keys):
        raise SettingError("TONGBAN_DATA_KEYS has a key id twice")
    return keys, _decode_key("TONGBAN_INDEX_KEY", index_raw)


def _generated_keys(var_dir: Path) -> dict:
    path = var_dir / "keys.json"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        keys = {
            "data_keys": "k1:" + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(),
            "index_key": base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(keys, handle)
    return json.loads(path.read_text())


LEDGER_ORIGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~:/-]{0,199}$")
LEDGER_KEY_BYTES = {"ed25519": (32,), "sm2": (32, 64)}  # sm2: private key, public key (x || y)


def ledger_origin(environ, production: bool) -> str:
    """The ledger's origin (`TONGBAN_LEDGER_ORIGIN`): the first line of every checkpoint and the
    name of its signing keys, a schema-less URL such as `services.example.gov.cn/ledger`."""
    value = environ.get("TONGBAN_LEDGER_ORIGIN", "").strip()
    if not value:
        if production:
            raise SettingError("TONGBAN_LEDGER_ORIGIN is required when TONGBAN_ENV=production")
        return "tongban.localhost/ledger"
    if not LEDGER_ORIGIN.match(value):
        raise SettingError(
            "TONGBAN_LEDGER_ORIGIN must look like host.example/ledger "
            "(letters, digits and . _ ~ : / - only, at most 200)"
        )
    return value


def ledger_keys(
    environ, var_dir: Path, production: bool, crypto_suite: str
) -> list[tuple[str, str, str]]:
    """Checkpoint signing keys (`TONGBAN_LEDGER_KEYS`), comma-separated, newest first:
    `ed25519:base64(32-byte seed)` and `sm2:base64(32-byte private):base64(64-byte public)`.

    The first key of each algorithm signs (Ed25519 always, SM2 too with the `gm` suite); every
    key listed is published, so checkpoints signed before a rotation still verify. Outside
    production they are generated once into var/ledger_keys when not set. Returns
    (algorithm, private base64, public base64 or "") tuples."""
    raw = environ.get("TONGBAN_LEDGER_KEYS", "").strip()
    if not raw:
        if production:
            raise SettingError("TONGBAN_LEDGER_KEYS is required when TONGBAN_ENV=production")
        raw = _generated_ledger_keys(var_dir)
    keys = []
    for item in raw.split(","):
        algorithm, _sep, rest = item.strip().partition(":")
        sizes = LEDGER_KEY_BYTES.get(algorithm)
        parts = rest.split(":") if rest else []
        if sizes is None or len(parts) != len(sizes):
            raise SettingError(
                "TONGBAN_LEDGER_KEYS must look like ed25519:base64seed[,sm2:base64private:"
                "base64public]"
            )
        for part, size in zip(parts, sizes, strict=True):
            try:
                decoded = base64.b64decode(part, validate=True)
            except (binascii.Error, ValueError):
                raise SettingError("TONGBAN_LEDGER_KEYS must hold base64-encoded keys") from None
            if len(decoded) != size:
                raise SettingError(
                    f"TONGBAN_LEDGER_KEYS: {algorithm} keys are {' and '.join(map(str, sizes))}"
                    " bytes"
                )
        keys.append((algorithm, parts[0], parts[1] if len(parts) > 1 else ""))
    if len({private for _algorithm, private, _public in keys}) != len(keys):
        raise SettingError("TONGBAN_LEDGER_KEYS has a key twice")
    if not any(algorithm == "ed25519" for algorithm, _private, _public in keys):
        raise SettingError("TONGBAN_LEDGER_KEYS needs an ed25519 key")
    if crypto_suite == "gm" and not any(algorithm == "sm2" for algorithm, _p, _q in keys):
        raise SettingError("TONGBAN_LEDGER_KEYS needs an sm2 key when TONGBAN_CRYPTO_SUITE=gm")
    return keys


def _generated_ledger_keys(var_dir: Path) -> str:
    """An Ed25519 and an SM2 key, made once (an Ed25519 seed is any 32 random bytes)."""
    path = var_dir / "ledger_keys"
    if not path.exists():
        import gmssl_pyx

        var_dir.mkdir(parents=True, exist_ok=True)
        sm2_public, sm2_private = gmssl_pyx.sm2_key_generate()
        seed, private, public = (
            base64.b64encode(key).decode()
            for key in (secrets.token_bytes(32), sm2_private, sm2_public)
        )
        value = f"ed25519:{seed},sm2:{private}:{public}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(value)
    return path.read_text().strip()
