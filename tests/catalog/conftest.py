"""Fixtures for the catalogue: the demo catalogue, officials of demo departments, a minimal
valid version content."""

import itertools

import pytest

from tongban.catalog.models import MatterVersion
from tongban.core.models import Department
from tongban.identity.models import Account, Official, OfficialRole

_serial = itertools.count(1)


@pytest.fixture
def departments(db):
    """Only the demo city's regions and departments (no catalogue): quicker than demo_catalogue."""
    from tongban.demo import city
    from tongban.demo.seed import SeedReport

    city.seed(SeedReport())


@pytest.fixture
def make_official(db):
    """`make_official("民政局", "data_admin")`: a signed-in-able official account of that
    demo department holding those roles."""

    def make(short_name: str, *roles: str) -> Account:
        department = Department.objects.get(short_name=short_name)
        account = Account.objects.create_user(
            f"official-{next(_serial)}",
            None,
            kind=Account.Kind.OFFICIAL,
            display_name=f"{short_name} {'/'.join(roles)}",
        )
        official = Official.objects.create(account=account, department=department)
        for role in roles:
            OfficialRole.objects.create(official=official, role=role)
        return account

    return make


@pytest.fixture
def citizen(db):
    return Account.objects.create_user(
        "citizen-1", None, kind=Account.Kind.PERSON, display_name="市民"
    )


def content(**overrides) -> dict:
    """A minimal version content that may be published."""
    return {
        "name": "测试事项",
        "matter_type": "confirmation",
        "legal_basis": "《示范省测试条例》第一条",
        "audiences": ["person"],
        "legal_time_limit": 10,
        "committed_time_limit": 5,
        "materials": [
            {
                "code": "id_card",
                "name": "居民身份证",
                "kind": "original",
                "necessity": "required",
                "source": "applicant",
            }
        ],
        **overrides,
    }


@pytest.fixture
def demo_version(demo_catalogue):
    """`demo_version("出生登记")`: the published demo version of that matter."""

    def find(name: str) -> MatterVersion:
        return MatterVersion.objects.get(name=name, status=MatterVersion.Status.PUBLISHED)

    return find
