"""Read Tongban's settings from the environment, and nothing else.

Every problem raises `SettingError`, whose message is one line naming the setting, so start-up
can stop with that line instead of a traceback (see `tongban.manage.main`)."""

import os
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


def word_list(environ, name: str, default: str = "") -> list[str]:
    return [part.strip() for part in environ.get(name, default).split(",") if part.strip()]


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
