"""What a draft changes against the published version (与现行版本对比), and what keeps it from
review, in words a department's editor reads: element labels instead of JSON paths, choice
labels instead of codes."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tongban.catalog import catalogue_format as fmt
from tongban.catalog.models import Audience, Material, MatterVersion

# Labels of the content's elements, in the order a guide shows them.
ELEMENT_LABELS = {
    "name": gettext_lazy("name"),
    "name_en": gettext_lazy("English name"),
    "basic_code": gettext_lazy("basic code"),
    "matter_type": gettext_lazy("matter type"),
    "exercise_level": gettext_lazy("exercise level"),
    "legal_basis": pgettext_lazy("service guide", "legal basis"),
    "summary": pgettext_lazy("service guide", "summary"),
    "keywords": gettext_lazy("search keywords"),
    "audiences": gettext_lazy("audience"),
    "themes": gettext_lazy("themes"),
    "conditions": gettext_lazy("conditions"),
    "legal_time_limit": gettext_lazy("legal time limit (working days)"),
    "committed_time_limit": gettext_lazy("committed time limit (working days)"),
    "fees": gettext_lazy("fees"),
    "online_depth": gettext_lazy("online depth"),
    "max_visits": gettext_lazy("on-site visits at most"),
    "process_steps": gettext_lazy("process steps"),
    "location": gettext_lazy("where"),
    "office_hours": gettext_lazy("office hours"),
    "consultation": gettext_lazy("consultation"),
    "complaint": gettext_lazy("complaints"),
    "faqs": gettext_lazy("frequently asked questions"),
    "result_name": pgettext_lazy("service guide", "result"),
    "result_licence_type": gettext_lazy("result licence type"),
    "instant_approval": gettext_lazy("instant approval possible"),
    "decision_reference": gettext_lazy("decision reference"),
    "process_key": gettext_lazy("process"),
    "involved_departments": gettext_lazy("involved departments"),
    "form_schema": gettext_lazy("form schema"),
    "situations": gettext_lazy("situations"),
    "no_materials": gettext_lazy("no materials needed"),
    "materials": gettext_lazy("materials"),
}
CHOICES = {
    "matter_type": dict(MatterVersion.MatterType.choices),
    "exercise_level": dict(MatterVersion.ExerciseLevel.choices),
    "online_depth": dict(MatterVersion.OnlineDepth.choices),
    "process_key": dict(MatterVersion.ProcessKey.choices),
    "audiences": dict(Audience.choices),
    "kind": dict(Material.Kind.choices),
    "necessity": dict(Material.Necessity.choices),
    "source": dict(Material.Source.choices),
}
# Rows of these lists are matched by this key, so an edited row reads as "changed".
ROW_KEYS = {"materials": "code", "conditions": "code", "fees": "item"}
ROW_FIELD_MODELS = {"materials": Material}
ROW_FIELD_LABELS = {
    "text": gettext_lazy("text"),
    "situational": gettext_lazy("only in some situations"),
    "item": gettext_lazy("item"),
    "standard": gettext_lazy("standard"),
    "basis": pgettext_lazy("fee", "basis"),
    "waivable": gettext_lazy("may be waived"),
    "code": gettext_lazy("code"),
}


@dataclass(frozen=True)
class Change:
    """One changed element, or one added, removed or changed row of a list element."""

    label: str
    before: str
    after: str

    @property
    def added(self) -> bool:
        return not self.before

    @property
    def removed(self) -> bool:
        return not self.after


def shown(key: str, value) -> str:
    """A value as an editor reads it; empty for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in CHOICES:
        if isinstance(value, list):
            return "、".join(str(CHOICES[key].get(v, v)) for v in value)
        return str(CHOICES[key].get(value, value))
    if key in ("keywords", "themes", "involved_departments"):
        return "、".join(value)
    if key == "process_steps":
        return "；".join(f"{i}. {step['name']}" for i, step in enumerate(value, 1))
    if key == "faqs":
        return "；".join(faq["question"] for faq in value)
    if key == "situations":
        return "；".join(situation["question"] for situation in value)
    if key == "form_schema":
        return _("%(n)s fields") % {"n": len(value.get("properties", {}))}
    return str(value)


def row_label(key: str, field: str) -> str:
    model = ROW_FIELD_MODELS.get(key)
    if model is not None:
        names = {f.name: f for f in model._meta.get_fields()}
        if field in names and hasattr(names[field], "verbose_name"):
            return str(names[field].verbose_name)
    return str(ROW_FIELD_LABELS.get(field, field))


def row_summary(key: str, row: dict) -> str:
    if key == "materials":
        parts = [shown("kind", row["kind"]), shown("necessity", row["necessity"])]
        parts.append(shown("source", row["source"]))
        return f"{row['name']}（{'，'.join(parts)}）"
    if key == "conditions":
        return row["text"]
    return f"{row['item']}：{row['standard']}"


def _row_changes(key: str, before: list[dict], after: list[dict]) -> list[Change]:
    by = ROW_KEYS[key]
    old = {row[by]: row for row in before}
    new = {row[by]: row for row in after}
    label = str(ELEMENT_LABELS[key])
    changes = []
    for code, row in new.items():
        if code not in old:
            changes.append(Change(f"{label}：{row_summary(key, row)}", "", row_summary(key, row)))
        elif row != old[code]:
            for field, value in row.items():
                if value != old[code].get(field):
                    changes.append(
                        Change(
                            f"{label}：{row_summary(key, row)} · {row_label(key, field)}",
                            shown(field, old[code].get(field)),
                            shown(field, value),
                        )
                    )
    for code, row in old.items():
        if code not in new:
            changes.append(Change(f"{label}：{row_summary(key, row)}", row_summary(key, row), ""))
    if not changes and [r[by] for r in before] != [r[by] for r in after]:
        changes.append(
            Change(
                label,
                "、".join(row_summary(key, r) for r in before),
                "、".join(row_summary(key, r) for r in after),
            )
        )
    return changes


def element_changes(before: dict | None, after: dict) -> list[Change]:
    """Every element of `after` that differs from `before` (a new matter: everything it
    says). Both are catalogue-format content."""
    after = fmt.normalized_content(after)
    before = fmt.normalized_content(before if before is not None else {"name": ""})
    changes: list[Change] = []
    for key, label in ELEMENT_LABELS.items():
        if before[key] == after[key]:
            continue
        if key in ROW_KEYS:
            changes += _row_changes(key, before[key], after[key])
        else:
            changes.append(Change(str(label), shown(key, before[key]), shown(key, after[key])))
    return changes


PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def place(path: str) -> str:
    """`materials[2].source_department` -> "materials, row 3: source department"."""
    if not path:
        return ""
    parts = path.split(".")
    head = PATH_PART.fullmatch(parts[0])
    if head is None:
        return path
    key, index = head.groups()
    words = str(ELEMENT_LABELS.get(key, key))
    if index is not None:
        words += _(", row %(n)s") % {"n": int(index) + 1}
    if len(parts) > 1:
        field = PATH_PART.fullmatch(parts[1])
        words += "：" + row_label(key, field.group(1) if field else parts[1])
    return words


def described(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Problems as (where, what) with the place in words."""
    return [(place(path), message) for path, message in problems]


def submission_problems(content: dict) -> list[tuple[str, str]]:
    """What keeps this content from being submitted for review (the same checks the
    submission runs), with places in words; empty when it may be submitted."""
    problems = fmt.content_structure_problems(content)
    if not problems:
        problems = fmt.content_problems(content, fmt.References.current())
        problems += fmt.publication_problems(content)
    return described(problems)
