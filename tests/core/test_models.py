"""Regions follow GB/T 2260; departments carry a valid credit code. Refusals are localized."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.core import services
from tongban.core.models import Department, Event, Region
from tongban.demo.codes import credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return services.save_region(code="520000", name="示范省", parent=None, actor="user:1")[0]


@pytest.fixture
def city(province):
    return services.save_region(code="522600", name="示范市", parent=province, actor="user:1")[0]


@pytest.mark.parametrize("code", ["12345", "1234567", "012345", "52260a"])
def test_malformed_region_codes_are_refused(code):
    with pytest.raises(ValidationError) as error:
        services.save_region(code=code, name="x", parent=None, actor="user:1")
    assert "code" in error.value.message_dict
    assert not Region.objects.filter(code=code).exists()


def test_a_county_must_sit_under_its_city(province, city):
    services.save_region(code="522622", name="明湖区", parent=city, actor="user:1")
    with pytest.raises(ValidationError) as error:
        services.save_region(code="522701", name="别处", parent=city, actor="user:1")
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.save_region(code="522600", name="x", parent=None, actor="user:1")


def test_a_department_needs_a_valid_credit_code(city):
    before = Event.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.save_department(
            credit_code="11522600MB0000000A",
            name="测试局",
            short_name="测试",
            region=city,
            kind=Department.Kind.GOVERNMENT,
            actor="user:1",
        )
    assert error.value.message_dict["credit_code"] == ["统一社会信用代码校验码不正确。"]
    assert Event.objects.count() == before
    good = credit_code("11", "522600", 10009999)
    department, status = services.save_department(
        credit_code=good,
        name="测试局",
        short_name="测试",
        region=city,
        kind=Department.Kind.GOVERNMENT,
        actor="user:1",
    )
    assert status == "created"
    assert department.credit_code == good


def test_region_refusals_in_english(province):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_region(code="522600", name="x", parent=None, actor="user:1")
    assert "parent must be the Province" in " ".join(error.value.message_dict["parent"])
