"""The catalogue's JSON format (docs/catalog-format.md): what `tongban catalog export` writes,
`tongban catalog import` reads, the API's draft editing accepts, and the demo seeds from.

One document::

    {"format": "tongban-catalogue", "format_version": 1,
     "themes": [...], "matters": [...], "life_events": [...]}

Departments are named by their unified social credit code, themes and life events by code,
matters by implementation code. Checks answer every problem at once as (path, message), with
paths like `matters[3].versions[0].materials[2].source`."""

import datetime
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from tongban.catalog.formschema import form_schema_problems, violations
from tongban.catalog.models import Audience, Material, MatterVersion, Theme
from tongban.core.models import Department

FORMAT = "tongban-catalogue"
FORMAT_VERSION = 1
Status = MatterVersion.Status
OPEN = (Status.DRAFT, Status.IN_REVIEW)
LIVE = (Status.IN_REVIEW, Status.PUBLISHED)  # must be complete enough to publish

CODE = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,49}$"}
CREDIT_CODE = {"type": "string", "pattern": r"^[0-9A-HJ-NPQRTUWXY]{18}$"}
TEXT = {"type": "string"}
IMPLEMENTATION_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,35}")


def text(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length}


def strict(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def listing(item: dict) -> dict:
    return {"type": "array", "items": item}


def choice(choices) -> dict:
    return {"type": "string", "enum": [value for value, _label in choices]}


WORKING_DAYS = {"type": ["integer", "null"], "minimum": 0, "maximum": 32767}
TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}

MATERIAL = strict(
    {
        "code": CODE,
        "name": {**text(200), "minLength": 1},
        "name_en": text(300),
        "kind": choice(Material.Kind.choices),
        "necessity": choice(Material.Necessity.choices),
        "copies": {"type": "integer", "minimum": 0, "maximum": 100},
        "source": choice(Material.Source.choices),
        "source_department": {"anyOf": [CREDIT_CODE, {"type": "null"}]},
        "registry_code": text(50),
        "registry_field": text(100),
        "licence_type": text(50),
        "blank_form": text(300),
        "sample": text(300),
        "acceptance_standard": TEXT,
        "notes": TEXT,
    },
    ["code", "name", "kind", "necessity", "source"],
)
CONDITION = strict(
    {
        "code": CODE,
        "text": {**TEXT, "minLength": 1},
        "text_en": TEXT,
        "situational": {"type": "boolean"},
    },
    ["code", "text"],
)
OPTION = strict(
    {
        "code": CODE,
        "label": {**text(100), "minLength": 1},
        "label_en": text(200),
        "add_materials": listing(CODE),
        "remove_materials": listing(CODE),
        "add_conditions": listing(CODE),
        "remove_conditions": listing(CODE),
    },
    ["code", "label"],
)
SITUATION = strict(
    {
        "code": CODE,
        "question": {**text(200), "minLength": 1},
        "question_en": text(300),
        "options": {**listing(OPTION), "minItems": 2},
    },
    ["code", "question", "options"],
)
FEE = strict(
    {
        "item": {**text(200), "minLength": 1},
        "standard": {**TEXT, "minLength": 1},
        "basis": TEXT,
        "waivable": {"type": "boolean"},
    },
    ["item", "standard"],
)
STEP = strict({"name": {**text(100), "minLength": 1}, "description": TEXT}, ["name"])
FAQ = strict(
    {"question": {**TEXT, "minLength": 1}, "answer": {**TEXT, "minLength": 1}},
    ["question", "answer"],
)

CONTENT_PROPERTIES = {
    "name": {**text(200), "minLength": 1},
    "name_en": text(300),
    "basic_code": text(36),
    "matter_type": {"type": "string", "enum": ["", *MatterVersion.MatterType.values]},
    "exercise_level": {"type": "string", "enum": ["", *MatterVersion.ExerciseLevel.values]},
    "legal_basis": TEXT,
    "summary": TEXT,
    "keywords": listing({**text(50), "minLength": 1}),
    "audiences": {**listing(choice(Audience.choices)), "uniqueItems": True},
    "themes": {**listing(CODE), "uniqueItems": True},
    "conditions": listing(CONDITION),
    "legal_time_limit": WORKING_DAYS,
    "committed_time_limit": WORKING_DAYS,
    "fees": listing(FEE),
    "online_depth": {"type": "string", "enum": ["", *MatterVersion.OnlineDepth.values]},
    "max_visits": {"type": "integer", "minimum": 0, "maximum": 10},
    "process_steps": listing(STEP),
    "location": TEXT,
    "office_hours": text(200),
    "consultation": text(200),
    "complaint": text(200),
    "faqs": listing(FAQ),
    "result_name": text(200),
    "result_licence_type": text(50),
    "instant_approval": {"type": "boolean"},
    "decision_reference": text(100),
    "process_key": choice(MatterVersion.ProcessKey.choices),
    "involved_departments": {**listing(CREDIT_CODE), "uniqueItems": True},
    "form_schema": {"type": "object"},
    "situations": listing(SITUATION),
    "no_materials": {"type": "boolean"},
    "materials": listing(MATERIAL),
}
CONTENT = strict(CONTENT_PROPERTIES, ["name"])
LIFECYCLE_PROPERTIES = {
    "number": {"type": "integer", "minimum": 1},
    "status": choice(Status.choices),
    "submitted_at": TIMESTAMP,
    "published_at": TIMESTAMP,
    "withdrawn_at": TIMESTAMP,
}
VERSION = strict({**CONTENT_PROPERTIES, **LIFECYCLE_PROPERTIES}, ["name", "number", "status"])
MATTER = strict(
    {
        "id": {"type": "string", "format": "uuid"},
        "implementation_code": {"type": "string", "pattern": f"^{IMPLEMENTATION_CODE.pattern}$"},
        "department": CREDIT_CODE,
        "versions": {**listing(VERSION), "minItems": 1},
    },
    ["implementation_code", "department", "versions"],
)
THEME = strict(
    {
        "code": CODE,
        "name": {**text(50), "minLength": 1},
        "name_en": text(100),
        "audience": choice(Audience.choices),
        "order": {"type": "integer", "minimum": 0, "maximum": 32767},
    },
    ["code", "name", "audience"],
)
LIFE_EVENT = strict(
    {
        "code": CODE,
        "name": {**text(100), "minLength": 1},
        "name_en": text(200),
        "summary": TEXT,
        "audience": choice(Audience.choices),
        "order": {"type": "integer", "minimum": 0, "maximum": 32767},
        "matters": {**listing({"type": "string"}), "minItems": 1, "uniqueItems": True},
        "answers": {"type": "object", "additionalProperties": CODE},
    },
    ["code", "name", "audience", "matters"],
)
DOCUMENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://tongban.example/schemas/catalogue-1.json",
    "title": "Tongban service catalogue",
    **strict(
        {
            "format": {"const": FORMAT},
            "format_version": {"const": FORMAT_VERSION},
            "themes": listing(THEME),
            "matters": listing(MATTER),
            "life_events": listing(LIFE_EVENT),
        },
        ["format", "format_version"],
    ),
}
FORMATS = Draft202012Validator.FORMAT_CHECKER
# The document without its matters, then each matter on its own (cached: see matter_problems).
OUTLINE = Draft202012Validator(
    {
        **DOCUMENT_SCHEMA,
        "properties": {**DOCUMENT_SCHEMA["properties"], "matters": {"type": "array"}},
    },
    format_checker=FORMATS,
)
MATTER_VALIDATOR = Draft202012Validator(MATTER, format_checker=FORMATS)
CONTENT_VALIDATOR = Draft202012Validator(CONTENT)

MATERIAL_DEFAULTS = {
    "name_en": "",
    "copies": 1,
    "source_department": None,
    "registry_code": "",
    "registry_field": "",
    "licence_type": "",
    "blank_form": "",
    "sample": "",
    "acceptance_standard": "",
    "notes": "",
}
CONTENT_DEFAULTS = {
    "name_en": "",
    "basic_code": "",
    "matter_type": "",
    "exercise_level": "",
    "legal_basis": "",
    "summary": "",
    "keywords": [],
    "audiences": [],
    "themes": [],
    "conditions": [],
    "legal_time_limit": None,
    "committed_time_limit": None,
    "fees": [],
    "online_depth": "",
    "max_visits": 0,
    "process_steps": [],
    "location": "",
    "office_hours": "",
    "consultation": "",
    "complaint": "",
    "faqs": [],
    "result_name": "",
    "result_licence_type": "",
    "instant_approval": False,
    "decision_reference": "",
    "process_key": MatterVersion.ProcessKey.SINGLE_DEPARTMENT.value,
    "involved_departments": [],
    "form_schema": {},
    "situations": [],
    "no_materials": False,
    "materials": [],
}
NESTED_DEFAULTS = {
    "conditions": {"text_en": "", "situational": False},
    "fees": {"basis": "", "waivable": False},
    "process_steps": {"description": ""},
    "materials": MATERIAL_DEFAULTS,
}
OPTION_DEFAULTS = {
    "label_en": "",
    "add_materials": [],
    "remove_materials": [],
    "add_conditions": [],
    "remove_conditions": [],
}
Problem = tuple[str, str]


def normalized_content(content: dict) -> dict:
    """The content with every optional key filled in, as export writes it: two contents are
    the same version exactly when their normalized forms are equal."""
    result = {**CONTENT_DEFAULTS, **content}  # nested lists are rebuilt below, never mutated
    for key, defaults in NESTED_DEFAULTS.items():
        result[key] = [{**defaults, **item} for item in result[key]]
    result["situations"] = [
        {
            "question_en": "",
            **situation,
            "options": [{**OPTION_DEFAULTS, **option} for option in situation["options"]],
        }
        for situation in result["situations"]
    ]
    for key in ("themes", "involved_departments"):  # sets, kept in a canonical order
        result[key] = sorted(result[key])
    for key in LIFECYCLE_PROPERTIES:
        result.pop(key, None)
    return result


@dataclass
class References:
    """What a document may refer to: departments by credit code, themes by code."""

    departments: dict[str, Department]
    themes: set[str]
    licence_types: set[str] = field(default_factory=set)

    @classmethod
    def current(cls, extra_themes=()) -> "References":
        return cls(
            departments={d.credit_code: d for d in Department.objects.all()},
            themes=set(Theme.objects.values_list("code", flat=True)) | set(extra_themes),
        )


def under(path: str, rest: str) -> str:
    """`rest` inside `path` (`matters[0].versions[1]` + `name`)."""
    return f"{path}.{rest}" if path else rest


def content_problems(content: dict, refs: References, path: str = "") -> list[Problem]:
    """Problems of one version's content that would make it wrong even as a draft: broken
    references, duplicate codes, inconsistent sources, an invalid form schema, a committed
    time limit longer than the legal one. `content` must already fit the JSON Schema."""
    at = partial(under, path)
    problems: list[Problem] = []
    content = normalized_content(content)
    material_codes = [m["code"] for m in content["materials"]]
    condition_codes = [c["code"] for c in content["conditions"]]
    for key, codes in (("materials", material_codes), ("conditions", condition_codes)):
        for index, code in enumerate(codes):
            if code in codes[:index]:
                problems.append(
                    (at(f"{key}[{index}].code"), _("Code %(code)s is used twice.") % {"code": code})
                )
    for index, code in enumerate(content["themes"]):
        if code not in refs.themes:
            problems.append(
                (at(f"themes[{index}]"), _("There is no theme %(code)s.") % {"code": code})
            )
    for index, code in enumerate(content["involved_departments"]):
        if code not in refs.departments:
            problems.append(
                (
                    at(f"involved_departments[{index}]"),
                    unknown_department(code),
                )
            )
    legal, committed = content["legal_time_limit"], content["committed_time_limit"]
    if legal is not None and committed is not None and committed > legal:
        problems.append(
            (
                at("committed_time_limit"),
                _("The committed time limit may not exceed the legal one (%(n)s working days).")
                % {"n": legal},
            )
        )
    if (
        content["process_key"] == MatterVersion.ProcessKey.PARALLEL_REVIEW
        and not content["involved_departments"]
    ):
        problems.append(
            (
                at("involved_departments"),
                _("Parallel review needs at least one other involved department."),
            )
        )
    for index, material in enumerate(content["materials"]):
        problems += material_problems(material, refs, at(f"materials[{index}]"))
    situation_codes = [s["code"] for s in content["situations"]]
    for index, situation in enumerate(content["situations"]):
        where = at(f"situations[{index}]")
        if situation["code"] in situation_codes[:index]:
            problems.append(
                (f"{where}.code", _("Code %(code)s is used twice.") % {"code": situation["code"]})
            )
        option_codes = [o["code"] for o in situation["options"]]
        for number, option in enumerate(situation["options"]):
            spot = f"{where}.options[{number}]"
            if option["code"] in option_codes[:number]:
                problems.append(
                    (f"{spot}.code", _("Code %(code)s is used twice.") % {"code": option["code"]})
                )
            for key, known in (
                ("add_materials", material_codes),
                ("remove_materials", material_codes),
                ("add_conditions", condition_codes),
                ("remove_conditions", condition_codes),
            ):
                for position, code in enumerate(option[key]):
                    if code not in known:
                        problems.append(
                            (
                                f"{spot}.{key}[{position}]",
                                _("There is no %(code)s in this version.") % {"code": code},
                            )
                        )
    problems += [
        (at(f"form_schema.{where}" if where else "form_schema"), message)
        for where, message in form_schema_problems(content["form_schema"])
    ]
    return problems


def material_problems(material: dict, refs: References, path: str) -> list[Problem]:
    """A government-held material names where it is held; an applicant's names nothing."""
    problems: list[Problem] = []
    source = material["source"]
    department = material.get("source_department")
    if department is not None and department not in refs.departments:
        problems.append(
            (
                f"{path}.source_department",
                unknown_department(department),
            )
        )
    if source == Material.Source.REGISTRY:
        for key in ("source_department", "registry_code", "registry_field"):
            if not material.get(key):
                problems.append(
                    (
                        f"{path}.{key}",
                        _("A registry material names its department, registry and field."),
                    )
                )
    elif source == Material.Source.LICENCE:
        if not material.get("licence_type"):
            problems.append(
                (f"{path}.licence_type", _("An e-licence material names its licence type."))
            )
    else:
        for key in ("source_department", "registry_code", "registry_field", "licence_type"):
            if material.get(key):
                problems.append(
                    (f"{path}.{key}", _("An applicant's own material has no government source."))
                )
    return problems


def publication_problems(content: dict, path: str = "") -> list[Problem]:
    """What a version lacks to be published (or sent for review): a type, time limits,
    audiences, a legal basis, and materials or an explicit "no materials"."""
    at = partial(under, path)
    content = normalized_content(content)
    problems: list[Problem] = []
    required = {
        "matter_type": _("Choose the matter's type."),
        "legal_time_limit": _("Give the legal time limit in working days."),
        "committed_time_limit": _("Give the committed time limit in working days."),
        "audiences": _("Say whom the matter serves."),
        "legal_basis": _("Give the legal basis."),
    }
    for key, message in required.items():
        if content[key] in ("", None, []):
            problems.append((at(key), message))
    if content["no_materials"] and content["materials"]:
        problems.append(
            (at("no_materials"), _("A matter with materials cannot also say it needs none."))
        )
    if not content["no_materials"] and not content["materials"]:
        problems.append(
            (
                at("materials"),
                _("List at least one material, or say explicitly that none is needed."),
            )
        )
    return problems


def timestamp(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def parse_timestamp(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def version_content(version: MatterVersion) -> dict:
    """A version's content in the catalogue format (materials, themes and involved
    departments prefetched by the caller to avoid a query per version)."""
    return {
        "name": version.name,
        "name_en": version.name_en,
        "basic_code": version.basic_code,
        "matter_type": version.matter_type,
        "exercise_level": version.exercise_level,
        "legal_basis": version.legal_basis,
        "summary": version.summary,
        "keywords": version.keywords,
        "audiences": version.audiences,
        "themes": sorted(theme.code for theme in version.themes.all()),
        "conditions": version.conditions,
        "legal_time_limit": version.legal_time_limit,
        "committed_time_limit": version.committed_time_limit,
        "fees": version.fees,
        "online_depth": version.online_depth,
        "max_visits": version.max_visits,
        "process_steps": version.process_steps,
        "location": version.location,
        "office_hours": version.office_hours,
        "consultation": version.consultation,
        "complaint": version.complaint,
        "faqs": version.faqs,
        "result_name": version.result_name,
        "result_licence_type": version.result_licence_type,
        "instant_approval": version.instant_approval,
        "decision_reference": version.decision_reference,
        "process_key": version.process_key,
        "involved_departments": sorted(d.credit_code for d in version.involved_departments.all()),
        "form_schema": version.form_schema,
        "situations": version.situations,
        "no_materials": version.no_materials,
        "materials": [material_document(m) for m in version.materials.all()],
    }


def material_document(m: Material) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "name_en": m.name_en,
        "kind": m.kind,
        "necessity": m.necessity,
        "copies": m.copies,
        "source": m.source,
        "source_department": m.source_department.credit_code if m.source_department else None,
        "registry_code": m.registry_code,
        "registry_field": m.registry_field,
        "licence_type": m.licence_type,
        "blank_form": m.blank_form,
        "sample": m.sample,
        "acceptance_standard": m.acceptance_standard,
        "notes": m.notes,
    }


def unknown_department(code: str) -> str:
    return _("There is no department %(code)s.") % {"code": code}


def version_document(version: MatterVersion) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "submitted_at": timestamp(version.submitted_at),
        "published_at": timestamp(version.published_at),
        "withdrawn_at": timestamp(version.withdrawn_at),
        **version_content(version),
    }


def structure_problems(document: Any) -> list[Problem]:
    """Where `document` departs from the JSON Schema of the format (DOCUMENT_SCHEMA)."""
    problems = list(violations(OUTLINE, document))
    if isinstance(document, dict) and isinstance(document.get("matters"), list):
        for index, matter in enumerate(document["matters"]):
            problems += [
                (
                    f"matters[{index}]"
                    + (f".{path}" if path and not path.startswith("[") else path),
                    message,
                )
                for path, message in _matter_problems(
                    json.dumps(matter, sort_keys=True), get_language()
                )
            ]
    return problems


@lru_cache(maxsize=4096)
def _matter_problems(canonical: str, language: str | None) -> tuple[Problem, ...]:
    """JSON Schema validation is slow in Python (~30 ms a matter); the same matter is often
    checked again (a re-import, a second seed), so each distinct one is checked once."""
    return tuple(violations(MATTER_VALIDATOR, json.loads(canonical)))


def content_structure_problems(content: Any) -> list[Problem]:
    return list(violations(CONTENT_VALIDATOR, content))
