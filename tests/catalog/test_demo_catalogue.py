"""The demo catalogue is realistic and complete enough for every later stage."""

import pytest

from tongban.catalog.models import LifeEvent, Material, MatterVersion
from tongban.demo.catalog_parts import LICENCES, REGISTRIES

pytestmark = pytest.mark.django_db

NAMED = [
    "出生医学证明签发",
    "出生登记",
    "城乡居民基本医疗保险参保登记",
    "社会保障卡申领",
    "结婚登记",
    "婚姻登记记录证明",
    "老年人优待证办理",
    "最低生活保障申请",
    "居住证申领",
    "无犯罪记录证明开具",
    "户口迁移（人才引进落户）",
    "高校毕业生接收（人才引进）",
    "失业保险金申领",
    "职工退休申请",
    "个人社保缴费证明打印",
    "异地就医备案",
    "医疗费用手工报销",
    "个体工商户设立登记",
    "有限责任公司设立登记",
    "公章刻制备案",
    "新办纳税人涉税事项",
    "食品经营许可",
    "住房公积金提取（租房）",
    "住房公积金单位缴存登记",
    "义务教育新生入学登记",
    "残疾人证申领",
    "残疾人两项补贴申请",
    "发热门诊查询",
]


def published():
    return MatterVersion.objects.filter(status="published").select_related("matter__department")


def test_size_and_spread(demo_catalogue):
    assert published().count() >= 40
    assert published().values("matter__department").distinct().count() >= 8
    assert set(NAMED) <= set(published().values_list("name", flat=True))


def test_instant_approval(demo_catalogue):
    instant = set(published().filter(instant_approval=True).values_list("name", flat=True))
    assert len(instant) >= 5
    assert {
        "老年人优待证办理",
        "高校毕业生接收（人才引进）",
        "异地就医备案",
        "住房公积金提取（租房）",
        "个人社保缴费证明打印",
    } <= instant


def test_every_government_held_material_names_its_source(demo_catalogue):
    held = Material.objects.exclude(source="applicant").select_related("source_department")
    assert held.count() >= 60
    for material in held:
        if material.source == "registry":
            assert REGISTRIES[material.registry_code] == material.source_department.short_name
            assert material.registry_field
        else:
            assert LICENCES[material.licence_type] == material.source_department.short_name


def test_results_processes_and_limits(demo_catalogue):
    versions = {v.name: v for v in published()}
    assert versions["出生医学证明签发"].result_licence_type == "birth_medical_certificate"
    assert versions["结婚登记"].result_licence_type == "marriage_certificate"
    assert versions["老年人优待证办理"].result_licence_type == "senior_card"
    assert versions["有限责任公司设立登记"].process_key == "parallel_review"
    assert versions["出生登记"].process_key == "parallel_review"
    for version in versions.values():
        assert version.committed_time_limit <= version.legal_time_limit, version.name
        assert version.legal_basis and version.matter_type and version.conditions, version.name
        assert len(version.matter.implementation_code) <= 36
        assert version.materials.exists() or version.no_materials, version.name


def test_life_events(demo_catalogue):
    assert set(LifeEvent.objects.values_list("name", flat=True)) >= {
        "新生儿出生一件事",
        "企业开办一件事",
        "退休一件事",
        "人才落户一件事",
    }


def test_a_changed_demo_matter_is_seeded_as_a_new_version(demo_catalogue, monkeypatch):
    from tongban.demo import catalog
    from tongban.demo.seed import seed_demo

    original = catalog.catalogue

    def edited():
        document = original()
        document["matters"][0]["versions"][0]["committed_time_limit"] = 2
        return document

    monkeypatch.setattr(catalog, "catalogue", edited)
    report = seed_demo()
    assert report.counts[("matter version", "created")] == 1
    versions = MatterVersion.objects.filter(name="出生医学证明签发").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "withdrawn"), (2, "published")]
    assert seed_demo().changed == 0
