"""Registry schemas: JSON Schema (draft 2020-12) checked with `jsonschema`, plus the platform's
own rules — a flat object, a required string subject field, and compatible evolution.

Errors are collected per field with localized messages, so a bad write names every bad field
(and changes nothing). Schemas may use three formats of their own besides `date`:
`cn-id-number` (GB 11643), `cn-credit-code` (GB 32100) and `gb2260` (region code)."""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from tongban.core.identifiers import clean_credit_code, clean_id_number
from tongban.core.models import REGION_CODE

FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
TYPES = {"string", "integer", "number", "boolean", "array", "object"}
# Keywords that only describe a field; changing them never breaks stored records.
ANNOTATIONS = {"title", "description", "examples", "default", "deprecated", "$comment"}

format_checker = FormatChecker(formats=("date",))


@format_checker.checks("cn-id-number", raises=ValidationError)
def _is_id_number(value) -> bool:
    return not isinstance(value, str) or bool(clean_id_number(value))


@format_checker.checks("cn-credit-code", raises=ValidationError)
def _is_credit_code(value) -> bool:
    return not isinstance(value, str) or bool(clean_credit_code(value))


@format_checker.checks("gb2260")
def _is_region_code(value) -> bool:
    return not isinstance(value, str) or bool(REGION_CODE.match(value))


def check_schema(schema: dict, *, subject_field: str) -> None:
    """Raise a ValidationError naming what is wrong with a registry schema."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        raise ValidationError({"schema": [_("A schema is a JSON object.")]})
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        problems.append(_("Not a valid JSON Schema: %(error)s") % {"error": error.message})
    if schema.get("type") != "object":
        problems.append(_('A registry schema describes an object ("type": "object").'))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(_("A registry schema names its fields under properties."))
        properties = {}
    for name, spec in properties.items():
        if not FIELD_NAME.match(name):
            problems.append(_("Field name %(name)s: use letters, digits and _.") % {"name": name})
        if not isinstance(spec, dict) or spec.get("type") not in TYPES:
            problems.append(_("Field %(name)s needs a type.") % {"name": name})
    subject = properties.get(subject_field)
    if not isinstance(subject, dict) or subject.get("type") != "string":
        problems.append(
            _("The subject field %(name)s must be a string field.") % {"name": subject_field}
        )
    if subject_field not in (schema.get("required") or []):
        problems.append(_("The subject field %(name)s must be required.") % {"name": subject_field})
    if problems:
        raise ValidationError({"schema": problems})


def schema_changes(old: dict, new: dict) -> list[str]:
    """The breaking changes from `old` to `new`, described; empty when records written under
    `old` stay valid under `new` (fields added as optional, fields no longer required,
    enumerations widened, titles and descriptions changed)."""
    breaking: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name in old_props:
        if name not in new_props:
            breaking.append(_("Field %(name)s would be removed.") % {"name": name})
    for name in sorted(new_required - old_required):
        breaking.append(_("Field %(name)s would become required.") % {"name": name})
    for name, before in old_props.items():
        after = new_props.get(name)
        if after is None:
            continue
        if bool(before.get("x-sensitive")) != bool(after.get("x-sensitive")):
            breaking.append(
                _("Field %(name)s would change whether it is stored encrypted.") % {"name": name}
            )
        old_enum, new_enum = before.get("enum"), after.get("enum")
        if old_enum is not None and (new_enum is None or not set(old_enum) <= set(new_enum)):
            if new_enum is not None:
                breaking.append(_("Field %(name)s would lose allowed values.") % {"name": name})
        elif old_enum is None and new_enum is not None:
            breaking.append(_("Field %(name)s would be limited to a list.") % {"name": name})
        constraints = {
            key
            for key in set(before) | set(after)
            if key not in ANNOTATIONS and key != "enum" and not key.startswith("x-")
        }
        if any(before.get(key) != after.get(key) for key in constraints):
            breaking.append(_("Field %(name)s would change its type or rules.") % {"name": name})
    return breaking


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    import json

    return Draft202012Validator(json.loads(schema_json), format_checker=format_checker)


def validator_for(schema: dict) -> Draft202012Validator:
    import json

    return _validator(json.dumps(schema, sort_keys=True))


TYPE_NAMES = {
    "string": gettext_lazy("text"),
    "integer": gettext_lazy("a whole number"),
    "number": gettext_lazy("a number"),
    "boolean": gettext_lazy("true or false"),
    "array": gettext_lazy("a list"),
    "object": gettext_lazy("an object"),
}


def content_errors(
    schema: dict, content, *, subject_field: str, subject_kind: str, partial: bool = False
) -> dict[str, list[str]]:
    """Per-field localized messages for `content` against `schema`; empty when valid.

    `partial` checks only the fields present (an update of some fields)."""
    if not isinstance(content, dict):
        return {"content": [_("A record is a JSON object.")]}
    errors: dict[str, list[str]] = {}
    properties = schema.get("properties", {})
    for name in content:
        if name not in properties:
            errors.setdefault(name, []).append(_("This registry has no such field."))
    for error in validator_for(schema).iter_errors(content):
        if error.validator == "required":
            if partial:
                continue
            for name in error.validator_value:
                if name not in content:
                    errors.setdefault(name, []).append(_("This field is required."))
            continue
        if error.validator == "additionalProperties":
            continue  # reported above for every schema
        field = str(error.path[0]) if error.path else "content"
        errors.setdefault(field, []).append(_message(error))
    subject = content.get(subject_field)
    if isinstance(subject, str) and subject_field not in errors:
        cleaner = clean_id_number if subject_kind == "id_number" else clean_credit_code
        try:
            cleaner(subject)
        except ValidationError as error:
            errors[subject_field] = list(error.messages)
    return {name: sorted(set(messages)) for name, messages in errors.items()}


def _message(error) -> str:
    kind = error.validator
    if kind == "type":
        expected = error.validator_value
        names = [
            TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
        ]
        return _("Must be %(type)s.") % {"type": " / ".join(str(n) for n in names)}
    if kind == "enum":
        return _("Must be one of: %(choices)s.") % {
            "choices": "、".join(str(v) for v in error.validator_value)
        }
    if kind == "format":
        if isinstance(error.cause, ValidationError):
            return error.cause.messages[0]
        return {
            "date": _("Must be a date (YYYY-MM-DD)."),
            "gb2260": _("Must be a six-digit region code (GB/T 2260)."),
        }.get(error.validator_value, _("Does not have the expected form."))
    if kind in ("minimum", "exclusiveMinimum"):
        return _("Must not be less than %(limit)s.") % {"limit": error.validator_value}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("Must not be more than %(limit)s.") % {"limit": error.validator_value}
    if kind == "maxLength":
        return _("Must have at most %(limit)s characters.") % {"limit": error.validator_value}
    if kind == "minLength":
        return _("Must have at least %(limit)s characters.") % {"limit": error.validator_value}
    return _("Does not have the expected form.")


def coerce(registry, field: str, text: str):
    """A value typed into a form, as the field's JSON type (left as text when it does not
    parse: validation then names the field)."""
    kind = registry.properties.get(field, {}).get("type")
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return {"true": True, "false": False, "是": True, "否": False}.get(
            text.strip().lower(), text
        )
    return text
