"""Fault injection runs on PostgreSQL only: it needs real concurrent writers, a server that
can be restarted, and the sealing order of docs/decisions/0031. On SQLite it is skipped.

These tests start real servers and workers and (one of them) restart PostgreSQL: they must not
run alongside other tests (`make test-postgres` runs them on their own, `-n 0 -m faults`)."""

import pytest
from django.conf import settings

from tests.exchange.conftest import (  # noqa: F401 (fixtures)
    ZHANG,
    departments,
    grant_for,
    make_client,
    make_registry,
    people,
)
from tests.faults.harness import Exchange


@pytest.fixture(autouse=True)
def postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("fault injection needs PostgreSQL (set DATABASE_URL / TONGBAN_TEST_POSTGRES)")


@pytest.fixture(autouse=True)
def platform_hashing(settings):
    """The servers check client secrets and passwords with the platform's own hashers."""
    from tongban.config import settings as platform

    settings.PASSWORD_HASHERS = platform.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def fresh_caches():
    from tongban.exchange.callers import forget_tokens
    from tongban.exchange.gateway import forget_registries
    from tongban.ledger import keys

    forget_registries()
    forget_tokens()
    keys.reset_key_cache()
    yield
    forget_registries()
    forget_tokens()
    keys.reset_key_cache()


@pytest.fixture
def exchange(people, make_client, grant_for) -> Exchange:  # noqa: F811
    """A departmental system with a grant on the people registry (calls not started yet)."""
    consumer = make_client("民政局", rate_limit_per_minute=1_000_000)
    grant_for(consumer, people, ["name", "marital_status"])
    return Exchange(consumer, ZHANG)


PASSWORD = "a-long-password-1"


@pytest.fixture
def applicants(demo_accounts):
    """`applicants(n)`: n demo citizens (password PASSWORD, hashed as the servers check it)
    and a published single-department matter whose materials are all optional."""
    from tests.exchange.conftest import calendar_ahead
    from tests.faults.harness import Applicant
    from tests.intake.conftest import make_version, person_account
    from tongban.core.models import Department
    from tongban.demo import people as demo_people

    calendar_ahead()
    version = make_version(Department.objects.get(short_name="卫生健康委员会"))
    version.materials.update(necessity="optional")

    def make(count: int) -> list[Applicant]:
        made = []
        for demo in [p for p in demo_people.PEOPLE if p.phone][:count]:
            account = person_account(demo.key)
            account.set_password(PASSWORD)
            account.save(update_fields=["password"])
            made.append(Applicant(demo.phone, PASSWORD, version.pk))
            made[-1].account = account
        assert len(made) == count
        return made

    return make
