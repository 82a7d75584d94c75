"""Fixtures for instant approval: the demo city with its catalogue, registries, licence types
and the five instant decisions (no accounts step: people are made as registry subjects)."""

import pytest

from tests.exchange.conftest import grant_for  # noqa: F401  (the exchange tests' fixture)


@pytest.fixture(autouse=True)
def fresh_registry_cache():
    from tongban.exchange.gateway import forget_registries

    forget_registries()
    yield
    forget_registries()


@pytest.fixture
def instant_demo(db):
    from tongban.demo import catalog, city, instant, licences, registries
    from tongban.demo.seed import seed_demo

    return seed_demo(steps=[city.seed, catalog.seed, registries.seed, licences.seed, instant.seed])


@pytest.fixture
def person():
    """`person("wangxiuying")`: the demo person's Person row (created when missing)."""
    from tongban.demo.licences import person_record
    from tongban.demo.seed import SeedReport

    return lambda key: person_record(key, SeedReport())


@pytest.fixture
def version():
    from tongban.catalog.models import MatterVersion

    return lambda name: MatterVersion.objects.get(name=name, status="published")


@pytest.fixture
def operator(db):
    from tongban.identity.models import Account, Official, OfficialRole, Role

    def make(department):
        account = Account.objects.create_user(
            f"operator-{department.pk}-{Account.objects.count()}",
            "pw-not-used-1234",
            kind=Account.Kind.OFFICIAL,
            display_name="运营人员",
        )
        official = Official.objects.create(account=account, department=department)
        OfficialRole.objects.create(official=official, role=Role.OPERATOR)
        return Account.objects.select_related("official").get(pk=account.pk)

    return make
