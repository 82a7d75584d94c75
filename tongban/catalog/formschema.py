"""A version's application form (`form_schema`): a JSON Schema (Draft 2020-12) object whose
properties carry UI hints, so intake can render it and validate answers on the server.

Each property is one field::

    "applicant_name": {
        "type": "string", "maxLength": 50,
        "title": "申请人姓名",                       # the zh-Hans label (plain JSON Schema)
        "x-labels": {"zh-Hans": "申请人姓名", "en": "Applicant's name"},
        "x-widget": "text",                        # one of WIDGETS
        "x-order": 10,                             # display order, ascending
    }

`form_schema_problems` checks a schema itself; `answer_errors` checks answers against it and
returns localized messages per field. Both answer every problem at once, not the first."""

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaViolation

from tongban.core.identifiers import clean_credit_code, clean_id_number

WIDGETS = frozenset(
    {
        "text",
        "textarea",
        "number",
        "date",
        "select",
        "radio",
        "checkbox",
        "checkboxes",
        "id_number",
        "credit_code",
        "phone",
        "email",
        "address",
    }
)
LANGUAGES = ("zh-Hans", "en")
MOBILE = re.compile(r"^1[3-9]\d{9}$")

FORMATS = FormatChecker(formats=("date", "email"))


@FORMATS.checks("cn-id-number", raises=ValidationError)
def _id_number(value: object) -> bool:
    return not isinstance(value, str) or bool(clean_id_number(value))


@FORMATS.checks("cn-credit-code", raises=ValidationError)
def _credit_code(value: object) -> bool:
    return not isinstance(value, str) or bool(clean_credit_code(value))


@FORMATS.checks("cn-mobile")
def _mobile(value: object) -> bool:
    return not isinstance(value, str) or bool(MOBILE.match(value))


def json_path(parts) -> str:
    """`matters[3].versions[0].name` from jsonschema's path deque."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def localized_message(error: SchemaViolation) -> str:
    """A localized sentence for one JSON Schema violation (jsonschema's own are English)."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        return _("This field is required.")
    if kind == "type":
        names = {
            "string": _("text"),
            "integer": _("a whole number"),
            "number": _("a number"),
            "boolean": _("true or false"),
            "array": _("a list"),
            "object": _("an object"),
            "null": _("empty"),
        }
        kinds = expected if isinstance(expected, list) else [expected]
        return _("Must be %(kind)s.") % {"kind": _(" or ").join(names.get(k, k) for k in kinds)}
    if kind in ("enum", "const"):
        choices = expected if kind == "enum" else [expected]
        return _("Must be one of: %(choices)s.") % {"choices": ", ".join(map(str, choices))}
    if kind == "minLength":
        return (
            _("This field is required.")
            if expected == 1
            else _("Must have at least %(n)s characters.") % {"n": expected}
        )
    if kind == "maxLength":
        return _("Must have at most %(n)s characters.") % {"n": expected}
    if kind == "pattern":
        return _("Has the wrong form.")
    if kind == "format":
        cause = getattr(error, "cause", None)
        if isinstance(cause, ValidationError):
            return " ".join(cause.messages)
        return {
            "date": _("Enter a date as YYYY-MM-DD."),
            "email": _("Enter a valid email address."),
            "cn-mobile": _("Enter an 11-digit mobile phone number."),
        }.get(expected, _("Has the wrong form."))
    if kind in ("minimum", "exclusiveMinimum"):
        return _("Must be at least %(n)s.") % {"n": expected}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("Must be at most %(n)s.") % {"n": expected}
    if kind == "minItems":
        return _("Choose at least %(n)s.") % {"n": expected}
    if kind == "maxItems":
        return _("Choose at most %(n)s.") % {"n": expected}
    if kind == "uniqueItems":
        return _("Each entry may appear only once.")
    if kind == "additionalProperties":
        return _("Unknown field.")
    return _("This value is not valid.")


def violations(validator: Draft202012Validator, instance: Any) -> Iterator[tuple[str, str]]:
    """Every violation as (path, localized message), each once; a missing required property
    and an unknown property are reported at their own path."""
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(instance):
        base = list(error.absolute_path)
        names = [None]
        if error.validator == "required" and isinstance(error.instance, dict):
            names = [name for name in error.validator_value if name not in error.instance]
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            names = [name for name in error.instance if name not in allowed]
        for name in names:
            found = (json_path(base if name is None else [*base, name]), localized_message(error))
            if found not in seen:
                seen.add(found)
                yield found


META = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def form_schema_problems(schema: Any) -> list[tuple[str, str]]:
    """Problems with a form schema itself, as (path, message): a valid Draft 2020-12 schema
    of an object whose fields each carry labels, a known widget and an order. `{}` (no
    form) has none."""
    if schema == {}:
        return []
    if not isinstance(schema, dict):
        return [("", _("A form schema is a JSON object."))]
    return list(_problems(json.dumps(schema, sort_keys=True), get_language()))


@lru_cache(maxsize=2048)
def _problems(canonical: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """Checking against the 2020-12 meta-schema takes tens of milliseconds; catalogues are
    re-imported with the same forms, so each distinct form is checked once per process."""
    return tuple(_check(json.loads(canonical)))


def _check(schema: dict) -> list[tuple[str, str]]:
    problems = list(violations(META, schema))
    if problems:
        return problems
    if schema.get("type") != "object":
        problems.append(("type", _('A form is a JSON Schema of "type": "object".')))
    if any(key == "$ref" and not str(value).startswith("#") for key, value in walk(schema)):
        problems.append(("$ref", _("A form schema may only refer to its own definitions.")))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(("properties", _("A form needs at least one field.")))
        return problems
    for name, field in properties.items():
        path = f"properties.{name}"
        if not isinstance(field, dict):
            problems.append((path, _("A field is described by a JSON object.")))
            continue
        labels = field.get("x-labels")
        if not isinstance(labels, dict) or not all(
            isinstance(labels.get(lang), str) and labels[lang].strip() for lang in LANGUAGES
        ):
            problems.append((f"{path}.x-labels", _("Give the field a label in zh-Hans and in en.")))
        if field.get("x-widget") not in WIDGETS:
            problems.append(
                (
                    f"{path}.x-widget",
                    _("Choose a widget from: %(widgets)s.")
                    % {"widgets": ", ".join(sorted(WIDGETS))},
                )
            )
        order = field.get("x-order")
        if not isinstance(order, int) or isinstance(order, bool):
            problems.append((f"{path}.x-order", _("Give the field a whole-number order.")))
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(
                ("required", _("Required field %(name)s is not defined.") % {"name": name})
            )
    return problems


def walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def answer_errors(schema: dict, answers: Any) -> dict[str, list[str]]:
    """Localized errors per field for `answers` (a JSON object) against a valid form schema;
    empty when the answers are valid. Unknown fields are refused unless the schema allows
    them explicitly."""
    if not schema:
        return {} if answers in ({}, None) else {"": [_("This matter has no form.")]}
    closed = {"additionalProperties": False, **schema}
    errors: dict[str, list[str]] = {}
    for path, message in violations(Draft202012Validator(closed, format_checker=FORMATS), answers):
        errors.setdefault(path, []).append(message)
    return errors


def ordered_fields(schema: dict) -> list[tuple[str, dict]]:
    """The form's fields in display order, as (name, property schema)."""
    properties = schema.get("properties") or {}
    return sorted(properties.items(), key=lambda item: (item[1].get("x-order", 0), item[0]))


def merge_forms(schemas: list[dict]) -> dict:
    """One combined form (一表申请) from several: a field asked by several matters under the
    same name is asked once (the first definition wins; required if any requires it)."""
    properties: dict[str, dict] = {}
    required: list[str] = []
    for schema in schemas:
        for name, field in ordered_fields(schema):
            properties.setdefault(name, field)
        required += [name for name in schema.get("required", []) if name not in required]
    if not properties:
        return {}
    merged = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
    }
    rules = [
        {key: rule[key] for key in ("if", "then", "else") if key in rule}
        for schema in schemas
        for rule in conditional_rules(schema)
    ]
    if rules:
        merged["allOf"] = rules  # each matter's conditional fields stay conditional
    return merged


# -- conditional fields (`if` / `then` / `else`) -----------------------------------------------


def conditional_rules(schema: dict) -> list[dict]:
    """The form's `if`/`then`/`else` rules: the top level's and those in a top-level `allOf`
    (deeper nesting is validated, but not used to show or hide fields)."""
    rules = [schema] if isinstance(schema.get("if"), dict) else []
    for item in schema.get("allOf") or []:
        if isinstance(item, dict) and isinstance(item.get("if"), dict):
            rules.append(item)
    return rules


def _named(branch: Any) -> set[str]:
    if not isinstance(branch, dict):
        return set()
    names = set(branch.get("required") or []) | set(branch.get("properties") or {})
    return {n for n in names if isinstance(n, str)}


def controlling_fields(schema: dict) -> set[str]:
    """Fields whose answer decides whether other fields apply (named in an `if`)."""
    return set().union(*(_named(rule["if"]) for rule in conditional_rules(schema)))


def applicable_fields(schema: dict, answers: dict) -> set[str]:
    """The fields that apply to `answers`. A field named in a rule's `then` (or `else`) —
    required or constrained there — applies only when that branch is taken, unless the form
    requires it always or it decides a rule itself; every other field always applies. With no
    answers yet, an `if` that requires its field is not met."""
    properties = set(schema.get("properties") or {})
    rules = conditional_rules(schema)
    if not rules:
        return properties
    always = set(schema.get("required") or []) | controlling_fields(schema)
    conditional: set[str] = set()
    taken: set[str] = set()
    for rule in rules:
        then, otherwise = _named(rule.get("then")), _named(rule.get("else"))
        conditional |= then | otherwise
        met = Draft202012Validator(rule["if"], format_checker=FORMATS).is_valid(answers or {})
        taken |= then if met else otherwise
    return {
        name for name in properties if name in always or name not in conditional or name in taken
    }
