"""Fixtures for the workflow tests: departments, officials with roles, a subject reference."""

import itertools

import pytest

from tongban.identity.models import Account, Official, OfficialRole, Role

_logins = itertools.count()


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English messages; `test_messages_are_localized` checks Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def departments(demo_city):
    from tongban.core.models import Department

    return {d.short_name: d for d in Department.objects.all()}


@pytest.fixture
def make_official(db):
    def make(department, *roles: str) -> Account:
        account = Account.objects.create_user(
            f"official-{next(_logins)}",
            "pw-not-used-1234",
            kind=Account.Kind.OFFICIAL,
            display_name="工作人员",
        )
        official = Official.objects.create(account=account, department=department)
        for role in roles:
            OfficialRole.objects.create(official=official, role=role)
        return Account.objects.select_related("official").get(pk=account.pk)

    return make


@pytest.fixture
def civil(departments):
    return departments["民政局"]


@pytest.fixture
def health(departments):
    return departments["卫生健康委员会"]


@pytest.fixture
def police(departments):
    return departments["公安局"]


@pytest.fixture
def approver(make_official, civil):
    return make_official(civil, Role.APPROVER)


@pytest.fixture
def operator(make_official, departments):
    return make_official(departments["政务服务和数据管理局"], Role.OPERATOR)
