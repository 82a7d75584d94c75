"""DMN decision tables: upload checks naming rule and column, evaluation, explanation,
simulation."""

import pytest

from tongban.core.models import Event
from tongban.workflow import decisions, services
from tongban.workflow.models import DecisionDefinition
from tongban.workflow.xml import InvalidModel

from .models import decision

pytestmark = pytest.mark.django_db

INPUTS = {"age": "integer", "resident": "boolean"}
APPROVE = '"approve"'
SENIOR_CARD = [
    ([">= 60", "True"], [APPROVE, '"年满60周岁的本市户籍居民"']),
    (["< 60", "-"], ['"reject"', '"未满60周岁"']),
    ([">= 60", "False"], ['"refer"', '"非本市户籍，需人工审核"']),
]


@pytest.fixture
def senior_card(operator):
    return services.upload_decision(
        key="senior_card", content=decision(SENIOR_CARD), inputs=INPUTS, actor=operator
    )


def refused(content, operator, inputs=INPUTS) -> str:
    before = (DecisionDefinition.objects.count(), Event.objects.count())
    with pytest.raises(InvalidModel) as caught:
        services.upload_decision(key="bad", content=content, inputs=inputs, actor=operator)
    assert (DecisionDefinition.objects.count(), Event.objects.count()) == before
    return " | ".join(caught.value.messages)


def test_a_decision_explains_which_rule_fired(senior_card):
    result = decisions.evaluate_decision(key="senior_card", inputs={"age": 67, "resident": True})
    assert result.result == {"outcome": "approve", "reason": "年满60周岁的本市户籍居民"}
    [fired] = result.fired
    assert (fired.row, fired.description) == (1, "rule 1")
    assert result.inputs == {"age": 67, "resident": True}
    assert (
        decisions.evaluate_decision(key="senior_card", inputs={"age": 59, "resident": True}).result[
            "outcome"
        ]
        == "reject"
    )
    assert (
        decisions.evaluate_decision(definition=senior_card, inputs={"age": 60, "resident": False})
        .fired[0]
        .row
        == 3
    )


def test_missing_and_mistyped_inputs_send_the_case_to_an_official(senior_card):
    with pytest.raises(decisions.MissingInput) as missing:
        decisions.evaluate_decision(key="senior_card", inputs={"age": 67})
    assert missing.value.name == "resident"
    with pytest.raises(decisions.MissingInput):
        decisions.evaluate_decision(key="senior_card", inputs={"age": None, "resident": True})
    with pytest.raises(decisions.DecisionFault, match="age should be a integer"):
        decisions.evaluate_decision(key="senior_card", inputs={"age": "67", "resident": True})


def test_ranges_membership_and_collect(operator):
    table = decision(
        [
            (["18 <= ? < 35", '"bachelor", "master"'.join(["in [", "]"])], ['"approve"']),
            (["? >= 35 and ? <= 45", "-"], ['"refer"']),
            (["-", 'not in ["bachelor", "master", "doctor"]'], ['"reject"']),
        ],
        inputs=(("age", "integer"), ("degree", "string")),
        outputs=(("outcome", "string"),),
        hit_policy="COLLECT",
    )
    definition = services.upload_decision(
        key="talent", content=table, inputs={"age": "integer", "degree": "string"}, actor=operator
    )
    result = decisions.evaluate_decision(
        definition=definition, inputs={"age": 40, "degree": "college"}
    )
    assert result.result == {"outcome": ["refer", "reject"]}
    assert [rule.row for rule in result.fired] == [2, 3]


def test_an_unknown_input_is_named_with_its_rule_and_column(operator):
    message = refused(
        decision(
            [([">= 60", "True"], [APPROVE, '"x"']), (["< 60", "salary > 5"], [APPROVE, '"y"'])]
        ),
        operator,
    )
    assert "rule 2, input column 2 (resident): unknown input: salary" in message
    message = refused(
        decision(SENIOR_CARD, inputs=(("age", "integer"), ("income", "number"))), operator
    )
    assert "input column 2 (income): unknown input: income" in message


def test_a_type_mismatch_is_named(operator):
    message = refused(
        decision([(['>= "sixty"', "True"], [APPROVE, '"x"']), (["< 60", "True"], ["1", '"y"'])]),
        operator,
    )
    assert "rule 1, input column 1 (age): type mismatch: 'sixty' is not a integer" in message
    assert "rule 2, output column 1 (outcome): type mismatch: 1 is not a string" in message
    message = refused(
        decision(SENIOR_CARD, inputs=(("age", "string"), ("resident", "boolean"))), operator
    )
    assert "input column 1 (age): type mismatch" in message


def test_overlapping_rules_under_unique_are_refused(operator):
    message = refused(
        decision(
            [
                ([">= 60", "True"], [APPROVE, '"a"']),
                ([">= 65", "-"], [APPROVE, '"b"']),
                (["< 60", "True"], ['"reject"', '"c"']),
            ]
        ),
        operator,
    )
    assert "rules 1 and 2: under UNIQUE, both rules match the same inputs" in message
    assert "rules 1 and 3" not in message and "rules 2 and 3" not in message


def test_integer_bounds_that_touch_do_not_overlap(operator):
    services.upload_decision(
        key="touching",
        content=decision(
            [
                ([">= 60", "-"], [APPROVE, '"a"']),
                (["<= 59", "-"], ['"reject"', '"b"']),
                (["59 < ? < 60", "-"], ['"reject"', '"c"']),
            ]
        ),
        inputs=INPUTS,
        actor=operator,
    )


def test_cells_that_cannot_be_compared_are_refused_under_unique(operator):
    message = refused(
        decision(
            [(["age * 2 > 100", "True"], [APPROVE, '"a"']), ([">= 60", "True"], [APPROVE, '"b"'])]
        ),
        operator,
    )
    assert "rules 1 and 2" in message and "cannot be shown to exclude" in message


def test_expressions_outside_the_language_are_named(operator):
    message = refused(
        decision(
            [
                (["__import__('os')", "True"], [APPROVE, '"a"']),
                (["< 60", "True"], ["lambda: 1", '"b"']),
                ([">= 60", "False"], [APPROVE, "().__class__"]),
            ]
        ),
        operator,
    )
    assert "rule 1, input column 1 (age): only these functions" in message
    assert "rule 2, output column 1 (outcome): lambda is not allowed" in message
    assert "rule 3, output column 2 (reason): attribute access is not allowed" in message


def test_unsupported_hit_policies_and_elements_are_refused(operator):
    assert "hit policy FIRST" in refused(decision(SENIOR_CARD, hit_policy="FIRST"), operator)
    content = decision(SENIOR_CARD).replace(
        b'<decision id="senior_card"',
        b'<inputData id="registry" name="r"/><decision id="senior_card"',
    )
    assert "inputData 'registry': unsupported element inputData" in refused(content, operator)
    assert "declare inputs as one of" in refused(decision(SENIOR_CARD), operator, {"age": "float"})


def test_a_dmn_with_entities_is_refused(operator):
    content = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + decision(SENIOR_CARD).split(b"?>", 1)[1]
    )
    assert "DOCTYPE" in refused(content, operator)


def test_simulation_counts_outcomes_rules_and_missing_data(senior_card):
    rows = (
        [{"age": 70, "resident": True}] * 5
        + [{"age": 30, "resident": True}] * 3
        + [{"age": 61, "resident": False}] * 2
        + [{"age": 66}]
        + [{"age": "old", "resident": True}]
    )
    report = decisions.simulate_decision(definition=senior_card, rows=rows)
    assert report.as_dict() == {
        "total": 12,
        "outcomes": {"approve": 5, "reject": 3, "refer": 2, "missing_input": 1, "fault": 1},
        "rules": {"1": 5, "2": 3, "3": 2},
        "missing": {"resident": 1},
        "faults": {"input age should be a integer": 1},
    }


def test_no_rule_matching_is_its_own_outcome(operator):
    definition = services.upload_decision(
        key="partial",
        content=decision([([">= 60", "True"], [APPROVE, '"a"'])]),
        inputs=INPUTS,
        actor=operator,
    )
    assert (
        decisions.evaluate_decision(
            definition=definition, inputs={"age": 1, "resident": True}
        ).fired
        == []
    )
    report = decisions.simulate_decision(definition=definition, rows=[{"age": 1, "resident": True}])
    assert report.outcomes == {"no_rule": 1}
