"""Situations (情形): the questions whose answers decide exactly which materials and conditions
apply to one applicant (一次告知: everything needed, nothing more).

A version's `situations` is a list of single-choice questions::

    {"code": "parents_married", "question": "父母是否已登记结婚？", "question_en": "...",
     "options": [{"code": "yes", "label": "是", "label_en": "Yes",
                  "add_materials": ["marriage_certificate"], "remove_materials": [],
                  "add_conditions": [], "remove_conditions": []}, ...]}

Rules: a *required* material applies unless a chosen option removes it; a *conditional* one
applies only when a chosen option adds it; an *optional* one is listed as optional. Conditions
marked `situational` work like conditional materials, the others like required ones. Answers
are `{situation code: option code}`; unknown questions or options are ignored, so a stale link
never breaks the guide. Intake calls `materials_for` with the applicant's answers."""

from collections.abc import Mapping
from dataclasses import dataclass

from tongban.catalog.models import Material, MatterVersion


def clean_answers(version: MatterVersion, answers: Mapping[str, object]) -> dict[str, str]:
    """Keep only answers naming a question of this version and one of its options."""
    options = {s["code"]: {o["code"] for o in s["options"]} for s in version.situations}
    return {
        code: value
        for code, value in answers.items()
        if code in options and isinstance(value, str) and value in options[code]
    }


def chosen_options(version: MatterVersion, answers: Mapping[str, object]) -> list[dict]:
    chosen = clean_answers(version, answers)
    return [
        option
        for situation in version.situations
        for option in situation["options"]
        if chosen.get(situation["code"]) == option["code"]
    ]


def _effects(version: MatterVersion, answers: Mapping[str, object], what: str):
    added: set[str] = set()
    removed: set[str] = set()
    for option in chosen_options(version, answers):
        added.update(option[f"add_{what}"])
        removed.update(option[f"remove_{what}"])
    return added, removed


def materials_for(version: MatterVersion, answers: Mapping[str, object]) -> list[Material]:
    """The personalized material list for these answers, in the guide's order (optional
    materials included: the caller shows them as optional)."""
    added, removed = _effects(version, answers, "materials")
    applies = []
    for material in version.materials.all():
        if material.code in removed:
            continue
        if material.necessity == Material.Necessity.CONDITIONAL and material.code not in added:
            continue
        applies.append(material)
    return applies


def conditions_for(version: MatterVersion, answers: Mapping[str, object]) -> list[dict]:
    """The acceptance conditions (受理条件) that apply for these answers."""
    added, removed = _effects(version, answers, "conditions")
    return [
        condition
        for condition in version.conditions
        if condition["code"] not in removed
        and (not condition["situational"] or condition["code"] in added)
    ]


@dataclass(frozen=True)
class Checklist:
    """What the guide shows for one set of answers."""

    materials: list[Material]
    conditions: list[dict]
    unanswered: list[dict]  # questions not answered yet
    maybe: list[Material]  # conditional materials that some unanswered question may add

    @property
    def complete(self) -> bool:
        return not self.unanswered


def checklist_for(version: MatterVersion, answers: Mapping[str, object]) -> Checklist:
    chosen = clean_answers(version, answers)
    unanswered = [s for s in version.situations if s["code"] not in chosen]
    materials = materials_for(version, chosen)
    listed = {m.code for m in materials}
    could_add = {
        code for s in unanswered for option in s["options"] for code in option["add_materials"]
    }
    maybe = [m for m in version.materials.all() if m.code in could_add and m.code not in listed]
    return Checklist(materials, conditions_for(version, chosen), unanswered, maybe)
