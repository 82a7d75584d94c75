"""A decision table for instant approval is refused at upload, with the rule and column (or
input) named, for every kind of bad content; nothing is stored."""

import pytest
from django.utils import translation

from tongban.demo.instant import FOLDER
from tongban.instant import services
from tongban.instant.models import InstantDecision
from tongban.workflow.models import DecisionDefinition
from tongban.workflow.xml import InvalidModel

ACTOR = "system:test"
SENIOR = "老年人优待证办理"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def senior() -> str:
    return (FOLDER / "senior_card.dmn").read_text()


def refused(version, text: str, **options) -> list[str]:
    before = DecisionDefinition.objects.count(), InstantDecision.objects.count()
    with pytest.raises(InvalidModel) as error:
        services.attach_decision(
            version=version(SENIOR), content=text.encode(), actor=ACTOR, **options
        )
    assert (DecisionDefinition.objects.count(), InstantDecision.objects.count()) == before
    return [str(problem) for problem in error.value.problems]


def test_every_demo_file_is_accepted(instant_demo):
    assert InstantDecision.objects.filter(status="active").count() == 5


def test_an_unknown_input_is_named_with_rule_and_column(instant_demo, version):
    text = senior().replace("<text>resident</text>", "<text>residence</text>")
    problems = refused(version, text)
    assert any("input column 2" in p and "unknown input: residence" in p for p in problems)
    text = senior().replace("<text>&gt;= 60</text>", "<text>&gt;= pension_age</text>", 1)
    problems = refused(version, text)
    assert any(p.startswith("rule 1, input column 1") and "pension_age" in p for p in problems)


def test_a_type_mismatch_is_named(instant_demo, version):
    problems = refused(version, senior().replace("<text>True</text>", '<text>"yes"</text>'))
    assert any(p.startswith("rule 1, input column 2") and "type mismatch" in p for p in problems)
    problems = refused(
        version, senior().replace('name="age" type="integer"', 'name="age" type="string"')
    )
    assert any("input age" in p and "type mismatch" in p for p in problems)
    problems = refused(
        version,
        senior().replace(
            'name="district" type="string" source="registry" registry="population"',
            'name="district" type="integer" source="registry" registry="population"',
        ),
    )
    assert any(
        "input district" in p and "population.district is not a integer" in p for p in problems
    )


def test_overlapping_rules_under_unique_are_named(instant_demo, version):
    problems = refused(version, senior().replace("<text>&lt; 60</text>", "<text>&lt; 70</text>"))
    assert any(p.startswith("rules 1 and 3") for p in problems)


def test_expressions_outside_the_language_are_named(instant_demo, version):
    problems = refused(
        version, senior().replace("<text>&gt;= 60</text>", "<text>&gt;= __import__('os')</text>", 1)
    )
    assert any(p.startswith("rule 1, input column 1") for p in problems)
    problems = refused(version, senior().replace('<text>"approve"</text>', "<text>age.real</text>"))
    assert any(p.startswith("rule 1, output column 1") for p in problems)


def test_outcomes_and_reasons_must_be_what_instant_approval_understands(instant_demo, version):
    problems = refused(version, senior().replace('<text>"approve"</text>', '<text>"grant"</text>'))
    assert any(p.startswith("rule 1, output column 1 (outcome)") for p in problems)
    problems = refused(version, senior().replace('name="reason_en"', 'name="why"'))
    assert any("reason_en" in p for p in problems)


def test_sources_that_do_not_exist_are_named(instant_demo, version):
    problems = refused(
        version,
        senior().replace(
            'registry="population" field="district"\n', 'registry="census" field="district"\n', 1
        ),
    )
    assert any("input resident" in p and "unknown registry census" in p for p in problems)
    problems = refused(
        version,
        senior().replace('field="district" label="户籍所在地"', 'field="hukou" label="户籍所在地"'),
    )
    assert any("input district" in p and "no field hukou" in p for p in problems)
    problems = refused(
        version, senior().replace('source="applicant" field="age"', 'source="oracle" field="age"')
    )
    assert any("input age" in p and "unknown source oracle" in p for p in problems)
    problems = refused(
        version, senior().replace('<tb:licence field="gender" input="gender" />', "")
    )
    assert any("licence field gender" in p for p in problems)


def test_a_matter_not_marked_instant_is_refused(instant_demo, version):
    from tongban.catalog.models import MatterVersion

    MatterVersion.objects.filter(name=SENIOR).update(instant_approval=False)
    assert any("not marked for instant approval" in p for p in refused(version, senior()))


def test_entities_are_refused(instant_demo, version):
    text = senior().replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    with pytest.raises(InvalidModel):
        services.attach_decision(version=version(SENIOR), content=text.encode(), actor=ACTOR)


def test_only_operators_attach(instant_demo, version, operator):
    from tongban.core.models import Department
    from tongban.core.permissions import NotPermitted
    from tongban.identity.models import Account

    citizen = Account.objects.create_user("citizen-x", "pw-not-used-1234", kind="citizen")
    with pytest.raises(NotPermitted):
        services.attach_decision(version=version(SENIOR), content=senior().encode(), actor=citizen)
    allowed = operator(Department.objects.get(short_name="政务服务和数据管理局"))
    attached = services.attach_decision(
        version=version(SENIOR), content=senior().encode(), actor=allowed
    )
    assert attached.status == "draft"
