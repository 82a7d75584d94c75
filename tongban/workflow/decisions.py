"""Evaluating stored decision tables: the entry points for instant approval (秒批, issue 9).

    evaluation = evaluate_decision(key="senior_card", inputs={"age": 67, "resident": True})
    evaluation.result   # {"outcome": "approve", "reason_zh": "...", "reason_en": "..."}
    evaluation.fired    # [FiredRule(row=1, rule_id=..., description=..., outputs={...})]

`MissingInput` (a needed input is absent) and `DecisionFault` (an input of the wrong type)
tell the caller to refer the case to an official instead of deciding."""

from collections.abc import Iterable, Mapping
from typing import Any

from tongban.workflow import dmn
from tongban.workflow.dmn import DecisionFault, Evaluation, MissingInput, Simulation
from tongban.workflow.models import DecisionDefinition

__all__ = [
    "DecisionFault",
    "Evaluation",
    "MissingInput",
    "Simulation",
    "decision_definition",
    "evaluate_decision",
    "simulate_decision",
]


def decision_definition(*, key: str, version: int | None = None) -> DecisionDefinition:
    """The given version of decision `key`, or its latest (DoesNotExist when there is none)."""
    definitions = DecisionDefinition.objects.filter(key=key)
    if version is not None:
        return definitions.get(version=version)
    definition = definitions.order_by("-version").first()
    if definition is None:
        raise DecisionDefinition.DoesNotExist(key)
    return definition


def evaluate_decision(
    *,
    key: str | None = None,
    definition: DecisionDefinition | None = None,
    inputs: Mapping[str, Any],
) -> Evaluation:
    """Evaluate decision `key` (latest version) or `definition` on `inputs`."""
    definition = definition or decision_definition(key=key)
    return dmn.evaluate(dmn.load_decision(definition), inputs, definition.inputs)


def simulate_decision(
    *,
    definition: DecisionDefinition,
    rows: Iterable[Mapping[str, Any]],
    outcome: str | None = None,
) -> Simulation:
    """Run a decision over many input rows (e.g. a registry sample) before publishing it:
    counts per outcome, per rule, per missing input and per fault."""
    return dmn.simulate(dmn.load_decision(definition), rows, definition.inputs, outcome=outcome)
