"""Situations (情形) decide exactly which materials and conditions apply: the guide of 出生登记
changes with the answers; life events list each material once."""

import pytest

from tongban.catalog import selectors
from tongban.catalog.models import LifeEvent
from tongban.catalog.situations import checklist_for, clean_answers, conditions_for, materials_for

pytestmark = pytest.mark.django_db


def codes(materials):
    return [m.code for m in materials]


def test_birth_registration_materials_follow_the_answers(demo_version):
    version = demo_version("出生登记")
    base = ["birth_medical_certificate", "household_register", "parents_id"]
    assert codes(materials_for(version, {})) == base
    assert codes(materials_for(version, {"parents_married": "yes"})) == [
        *base[:3],
        "marriage_certificate",
    ]
    unmarried_abroad = materials_for(
        version, {"parents_married": "no", "birth_place": "elsewhere", "agent": "agent"}
    )
    assert codes(unmarried_abroad) == [
        "household_register",
        "parents_id",
        "paper_birth_certificate",
        "nonmarital_statement",
        "power_of_attorney",
    ]  # the e-licence is replaced by the paper certificate


def test_conditions_follow_the_answers(demo_version):
    version = demo_version("出生登记")
    assert "nonmarital" not in [c["code"] for c in conditions_for(version, {})]
    assert "nonmarital" in [c["code"] for c in conditions_for(version, {"parents_married": "no"})]


def test_unknown_questions_and_options_are_ignored(demo_version):
    version = demo_version("出生登记")
    answers = {"parents_married": "maybe", "no_such_question": "yes", "agent": ["agent"]}
    assert clean_answers(version, answers) == {}
    assert codes(materials_for(version, answers)) == codes(materials_for(version, {}))


def test_the_checklist_says_what_is_still_open(demo_version):
    version = demo_version("出生登记")
    checklist = checklist_for(version, {"parents_married": "yes"})
    assert not checklist.complete
    assert [s["code"] for s in checklist.unanswered] == ["birth_place", "household_parent", "agent"]
    assert "power_of_attorney" in codes(checklist.maybe)
    complete = checklist_for(
        version,
        {
            "parents_married": "yes",
            "birth_place": "local",
            "household_parent": "father",
            "agent": "self",
        },
    )
    assert complete.complete and complete.maybe == []


def test_government_held_materials_are_marked(demo_version):
    materials = {m.code: m for m in demo_version("出生登记").materials.all()}
    certificate = materials["birth_medical_certificate"]
    assert certificate.government_held and certificate.licence_type == "birth_medical_certificate"
    assert certificate.source_department.short_name == "卫生健康委员会"
    household = materials["household_register"]
    assert (household.registry_code, household.source_department.short_name) == (
        "population",
        "公安局",
    )
    assert not materials["paper_birth_certificate"].government_held


def test_a_life_event_lists_each_material_once(demo_catalogue):
    event = LifeEvent.objects.get(code="newborn")
    bundle = selectors.life_event_bundle(event, {"parents_married": "yes"})
    assert [v.name for v in bundle.versions] == [
        "出生医学证明签发",
        "出生登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
    ]
    keys = [selectors.material_identity(item.material) for item in bundle.materials]
    assert len(keys) == len(set(keys))
    marriage = next(
        i for i in bundle.materials if i.material.licence_type == "marriage_certificate"
    )
    assert [v.name for v in marriage.versions] == ["出生医学证明签发", "出生登记"]
    # The same question asked by two matters is asked once; what the event settles is not
    # asked (the person to insure is the newborn) and shapes the list.
    codes_asked = [s["code"] for s in bundle.situations]
    assert codes_asked.count("parents_married") == 1
    assert "insured_person" not in codes_asked and "applicant_age" not in codes_asked
    certificate = next(
        i for i in bundle.materials if i.material.licence_type == "birth_medical_certificate"
    )
    assert [v.name for v in certificate.versions] == ["出生登记", "城乡居民基本医疗保险参保登记"]
    names = [item.material.name for item in bundle.materials]
    assert "监护人居民身份证" in names and "参保人居民身份证" not in names
    # One combined form: shared fields once, every matter's own fields present.
    fields = bundle.form["properties"]
    assert "child_name" in fields and "insured_id_number" in fields and "holder_name" in fields
    assert list(fields).count("mobile") == 1


def test_every_demo_life_event_has_a_published_version_of_each_matter(demo_catalogue):
    for event in LifeEvent.objects.all():
        bundle = selectors.life_event_bundle(event, {})
        assert bundle.missing == [], event.code
        assert bundle.form["properties"]
