"""Fixtures shared by every test package."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def child_environment(extra: dict | None = None) -> dict:
    """This process's environment without test-only switches, plus `extra`."""
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**environ, **(extra or {})}


def run_tongban(
    *args: str, env: dict | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run the `tongban` command in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tongban.manage", *args],
        cwd=ROOT,
        env=child_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def tongban_command():
    return run_tongban


@pytest.fixture
def demo_city(db):
    """The demo city's regions and departments only (quick): what most tests need."""
    from tongban.demo import city
    from tongban.demo.seed import seed_demo

    return seed_demo(steps=[city.seed])


@pytest.fixture
def demo_accounts(db):
    """The demo city with its people's and officials' accounts."""
    from tongban.demo import accounts, city
    from tongban.demo.seed import seed_demo

    return seed_demo(steps=[city.seed, accounts.seed])


@pytest.fixture
def demo_catalogue(db):
    """The demo city with its published service catalogue."""
    from tongban.demo import catalog, city
    from tongban.demo.seed import seed_demo

    return seed_demo(steps=[city.seed, catalog.seed])


@pytest.fixture
def demo_licences(db):
    """The demo city with its licence types and already-issued licences."""
    from tongban.demo import city, licences
    from tongban.demo.seed import seed_demo

    return seed_demo(steps=[city.seed, licences.seed])


@pytest.fixture
def demo(db):
    """The whole demo, seeded the way `tongban seed-demo` does (slow: use only when the test
    needs people, accounts, the catalogue, registries and licences together)."""
    from tongban.demo.seed import seed_demo

    return seed_demo()


def child_database_url() -> str:
    """A DATABASE_URL that points a child process at the database this test is using."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgresql://{auth}@{settings['HOST'] or 'localhost'}{port}/{settings['NAME']}"


@pytest.fixture
def child_env(transactional_db):
    """Environment for a child process (server, worker) sharing this test's database."""
    return {"DATABASE_URL": child_database_url(), "TONGBAN_LOG_LEVEL": "WARNING"}


def force_sign_in(client, account):
    """Sign a test client in without the password hasher. Officials get a confirmed TOTP
    device marked as verified in the session, as after a real two-factor sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
    if account.kind == "official":
        device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=account, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(db):
    """`login(client, account)`: see `force_sign_in`."""
    return force_sign_in


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing():
    """argon2 is slow on purpose; tests that only need *a* password use a fast hasher.
    Servers and workers the tests start run with the real settings (argon2)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def forget_process_caches():
    """Every test has its own registries and clients, but PostgreSQL does not hand ids back
    on rollback: a per-process cache kept from an earlier test would name rows that no longer
    exist (SQLite reuses the ids and hides it)."""
    from tongban.exchange.callers import forget_tokens
    from tongban.exchange.gateway import forget_rate_counts, forget_registries

    for forget in (forget_registries, forget_tokens, forget_rate_counts):
        forget()
    yield
    for forget in (forget_registries, forget_tokens, forget_rate_counts):
        forget()
