"""The demo city is valid and seeding it twice changes nothing."""

import pytest
from stdnum.cn import uscc

from tongban.core.models import Department, Event, Region
from tongban.demo.city import DEPARTMENTS
from tongban.demo.seed import seed_demo

pytestmark = pytest.mark.django_db

REQUIRED = [
    "公安局",
    "民政局",
    "卫生健康委员会",
    "人力资源和社会保障局",
    "医疗保障局",
    "市场监督管理局",
    "税务局",
    "住房公积金管理中心",
    "教育局",
    "残疾人联合会",
    "政务服务和数据管理局",
]


def snapshot():
    return (
        list(Region.objects.values_list("code", "name", "level", "parent_id")),
        list(
            Department.objects.values_list(
                "credit_code", "name", "short_name", "region_id", "kind", "parent_id"
            )
        ),
        Event.objects.count(),
    )


def test_seeding_twice_changes_nothing():
    first = seed_demo()
    assert first.changed > 0
    after_first = snapshot()
    second = seed_demo()
    assert second.changed == 0
    assert snapshot() == after_first


def test_the_demo_city_has_its_departments_with_valid_codes(demo_city):
    short_names = set(Department.objects.values_list("short_name", flat=True))
    assert set(REQUIRED) <= short_names
    for department in Department.objects.all():
        assert uscc.is_valid(department.credit_code), department
        department.full_clean()
    assert Department.objects.filter(kind=Department.Kind.PLATFORM).count() == 1
    assert len(DEPARTMENTS) == Department.objects.count()


def test_the_demo_regions_follow_gb_t_2260(demo_city):
    city = Region.objects.get(name="示范市")
    assert city.level == Region.Level.CITY
    assert city.children.count() >= 4
    for region in Region.objects.all():
        region.full_clean()


def test_seed_command_prints_a_summary(tongban_command, child_env):
    result = tongban_command("seed-demo", env=child_env)
    assert result.returncode == 0, result.stderr
    assert "seed-demo:" in result.stdout
    again = tongban_command("seed-demo", env=child_env)
    assert "seed-demo: 0 change(s)." in again.stdout
