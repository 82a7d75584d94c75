"""Settings come from the environment; a wrong one stops start-up with one line naming it."""

import base64
import os
import secrets

import pytest

from tongban.config import env


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"TONGBAN_ENV": "production", "TONGBAN_SECRET_KEY": ""}, "TONGBAN_SECRET_KEY"),
        ({"TONGBAN_CRYPTO_SUITE": "rsa"}, "TONGBAN_CRYPTO_SUITE"),
        ({"TONGBAN_DEBUG": "maybe"}, "TONGBAN_DEBUG"),
        ({"TONGBAN_ENV": "staging"}, "TONGBAN_ENV"),
        ({"TONGBAN_INSTANT_FETCH_TIMEOUT": "soon"}, "TONGBAN_INSTANT_FETCH_TIMEOUT"),
        ({"TONGBAN_INSTANT_FETCH_TIMEOUT": "0"}, "TONGBAN_INSTANT_FETCH_TIMEOUT"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(environ, setting, tongban_command):
    result = tongban_command("check", env=environ)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tongban: {setting}")


def test_production_settings_pass_the_deploy_check(tongban_command, tmp_path):
    from tongban.identity.settings import signing_keys

    key = base64.b64encode(os.urandom(32)).decode()
    signing_keys({}, tmp_path, False)  # writes an OIDC signing key into tmp_path
    production = {
        "TONGBAN_OIDC_KEY_FILES": str(tmp_path / "oidc-signing-key.pem"),
        "TONGBAN_ENV": "production",
        "TONGBAN_SECRET_KEY": secrets.token_urlsafe(60),
        "TONGBAN_ALLOWED_HOSTS": "services.example.gov.cn",
        "TONGBAN_DATA_KEYS": f"k1:{key}",
        "TONGBAN_INDEX_KEY": key,
        "TONGBAN_LEDGER_ORIGIN": "services.example.gov.cn/ledger",
        "TONGBAN_LEDGER_KEYS": f"ed25519:{key}",
    }
    result = tongban_command("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_debug_and_missing_hosts(tongban_command):
    secret = {"TONGBAN_ENV": "production", "TONGBAN_SECRET_KEY": "k" * 60}
    assert (
        "TONGBAN_DEBUG"
        in tongban_command(
            "check", env={**secret, "TONGBAN_DEBUG": "1", "TONGBAN_ALLOWED_HOSTS": "a"}
        ).stderr
    )
    assert "TONGBAN_ALLOWED_HOSTS" in tongban_command("check", env=secret).stderr


def test_sqlite_is_the_default_in_wal_mode(tmp_path):
    config = env.database({}, tmp_path)
    assert config["ENGINE"] == "tongban.core.sqlite"
    assert config["NAME"] == str(tmp_path / "tongban.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed(tmp_path):
    config = env.database({"DATABASE_URL": "postgresql://u:p@db.internal:5433/tongban"}, tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "tongban")


def test_secret_key_is_generated_once_into_var(tmp_path):
    first = env.secret_key({}, tmp_path, production=False)
    assert len(first) >= 50
    assert env.secret_key({}, tmp_path, production=False) == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_short_production_secret_is_refused(tmp_path):
    with pytest.raises(env.SettingError, match="TONGBAN_SECRET_KEY"):
        env.secret_key({"TONGBAN_SECRET_KEY": "short"}, tmp_path, production=True)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("off", False), ("", False)]
)
def test_flags(raw, expected):
    assert env.flag({"X": raw}, "X", default=not expected) is expected


def test_running_database_is_in_wal_mode(db, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("WAL is a SQLite journal mode")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_crypto_keys_are_generated_once_outside_production(tmp_path):
    keys, index = env.crypto_keys({}, tmp_path, production=False)
    assert keys[0][0] == "k1"
    assert env.crypto_keys({}, tmp_path, production=False) == (keys, index)


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({"TONGBAN_DATA_KEYS": "k1:not-base64!"}, "TONGBAN_DATA_KEYS"),
        ({"TONGBAN_DATA_KEYS": "k1:AAAA"}, "TONGBAN_DATA_KEYS"),
        ({"TONGBAN_DATA_KEYS": "nokeyid"}, "TONGBAN_DATA_KEYS"),
        ({"TONGBAN_INDEX_KEY": "AAAA"}, "TONGBAN_INDEX_KEY"),
    ],
)
def test_bad_crypto_keys_are_refused(environ, setting, tmp_path):
    with pytest.raises(env.SettingError, match=setting):
        env.crypto_keys(environ, tmp_path, production=False)


def test_production_requires_explicit_keys(tmp_path):
    with pytest.raises(env.SettingError, match="TONGBAN_DATA_KEYS"):
        env.crypto_keys({}, tmp_path, production=True)


def test_an_unreachable_database_is_one_line_not_a_traceback(tongban_command):
    from bench.common import free_port

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/tongban"
    result = tongban_command("migrate", "--noinput", env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith("tongban: cannot reach the database tongban at 127.0.0.1:")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
