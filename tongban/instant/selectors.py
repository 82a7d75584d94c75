"""Reads of instant approval, shaped for the explanation pages (plain language, no N+1)."""

import json
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongban.core import receipts
from tongban.instant.models import Evaluation, InstantDecision, SimulationRun


def evaluation_by_public_id(public_id) -> Evaluation | None:
    return (
        Evaluation.objects.select_related(
            "version__matter__department", "instant_decision__decision", "applicant"
        )
        .filter(public_id=public_id)
        .first()
    )


def evaluations_of_case(case_reference: str) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(case_reference=case_reference).select_related(
        "version", "instant_decision__decision"
    )


def decisions() -> QuerySet[InstantDecision]:
    return InstantDecision.objects.select_related("version__matter__department", "decision")


def decision_by_public_id(public_id) -> InstantDecision | None:
    return decisions().filter(public_id=public_id).first()


def simulations_of(attached: InstantDecision) -> QuerySet[SimulationRun]:
    return attached.simulations.all()[:10]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _source(item: dict) -> str:
    source = item["source"]
    if source == "applicant":
        return _("Calculated from your ID number")
    if source == "form":
        return _("Your answer on the application form")
    if source == "licence":
        return _("Your electronic licences")
    return _("%(registry)s, %(department)s") % {
        "registry": item.get("registry_name", item.get("registry", "")),
        "department": item.get("department", ""),
    }


def _note(item: dict) -> str:
    if item.get("refused"):
        return _("The registry refused the request.")
    if item.get("absent_rule"):
        return _("No record was found; the rules say what that means.")
    if item.get("found") is False and item["source"] not in ("registry-record", "licence"):
        return _("No record was found.")
    return ""


@dataclass
class InputLine:
    label: str
    value: str
    source: str
    note: str
    access_id: int | None
    hash: str


@dataclass
class Explanation:
    """What an evaluation means, in the reader's language."""

    evaluation: Evaluation
    reason: str
    rules: list[dict]
    inputs: list[InputLine] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    receipt: receipts.Receipt | None = None

    @property
    def decision(self):
        return self.evaluation.instant_decision.decision


def explain(evaluation: Evaluation) -> Explanation:
    """The evaluation in plain language: the reason, the rules that applied (with their own
    reasons), and every piece of data used with its value, source and access-log line."""
    english = _english()
    values = json.loads(evaluation.values)["values"]
    table_inputs = set(evaluation.instant_decision.decision.inputs)
    lines = []
    for item in evaluation.inputs:
        lines.append(
            InputLine(
                label=item["label_en"] if english else item["label"],
                value=_shown(values.get(item["name"])),
                source=_source(item),
                note=_note(item),
                access_id=item.get("access_id"),
                hash=item["hash"],
            )
        )
    rules = [
        {
            "row": rule["row"],
            "description": rule["description"],
            "reason": rule["reason_en"] if english else rule["reason_zh"],
            "outcome": rule["outcome"],
        }
        for rule in evaluation.fired
    ]
    return Explanation(
        evaluation=evaluation,
        reason=evaluation.reason_en if english else evaluation.reason_zh,
        rules=rules,
        inputs=lines,
        used=sorted(table_inputs),
        receipt=receipts.receipt_for(evaluation.event_id) if evaluation.event_id else None,
    )
