"""A version's form schema: a valid Draft 2020-12 JSON Schema with UI hints, and answers
checked against it with localized messages per field."""

import pytest
from django.utils import translation

from tongban.catalog.formschema import answer_errors, form_schema_problems, ordered_fields
from tongban.catalog.models import MatterVersion

pytestmark = pytest.mark.django_db

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "name": {
            "type": "string",
            "maxLength": 5,
            "x-labels": {"zh-Hans": "姓名", "en": "Name"},
            "x-widget": "text",
            "x-order": 1,
        },
        "id_number": {
            "type": "string",
            "format": "cn-id-number",
            "x-labels": {"zh-Hans": "身份证号", "en": "ID number"},
            "x-widget": "id_number",
            "x-order": 2,
        },
        "mobile": {
            "type": "string",
            "format": "cn-mobile",
            "x-labels": {"zh-Hans": "手机", "en": "Mobile"},
            "x-widget": "phone",
            "x-order": 3,
        },
        "born": {
            "type": "string",
            "format": "date",
            "x-labels": {"zh-Hans": "出生日期", "en": "Born"},
            "x-widget": "date",
            "x-order": 0,
        },
    },
    "required": ["name", "id_number"],
}
VALID_ID = "11010519491231002X"


def test_a_good_schema_has_no_problems():
    assert form_schema_problems(SCHEMA) == []
    assert form_schema_problems({}) == []  # no form at all
    assert [name for name, _f in ordered_fields(SCHEMA)] == ["born", "name", "id_number", "mobile"]


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ({"type": "object", "properties": {"a": {"type": "text"}}}, "properties.a.type"),
        ({"type": "array"}, "type"),
        ({"type": "object", "properties": {}}, "properties"),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "x-widget": "text", "x-order": 1}},
            },
            "properties.a.x-labels",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {
                        "type": "string",
                        "x-labels": {"zh-Hans": "甲", "en": "A"},
                        "x-widget": "slider",
                        "x-order": 1,
                    }
                },
            },
            "properties.a.x-widget",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {
                        "$ref": "https://evil.example/schema.json",
                        "x-labels": {"zh-Hans": "甲", "en": "A"},
                        "x-widget": "text",
                        "x-order": 1,
                    }
                },
            },
            "$ref",
        ),
        ({**SCHEMA, "required": ["name", "nope"]}, "required"),
        ([], ""),
    ],
)
def test_bad_schemas_are_reported_with_a_path(schema, path):
    problems = form_schema_problems(schema)
    assert path in [p for p, _m in problems], problems


def test_valid_answers_pass():
    assert (
        answer_errors(
            SCHEMA,
            {"name": "张伟", "id_number": VALID_ID, "mobile": "13900000001", "born": "1992-05-14"},
        )
        == {}
    )


def test_every_bad_answer_is_reported_per_field_in_chinese():
    errors = answer_errors(
        SCHEMA,
        {
            "name": "张伟张伟张伟",
            "id_number": "110105194912310021",
            "mobile": "12345",
            "born": "1992-13-40",
            "extra": 1,
        },
    )
    assert errors == {
        "name": ["长度不能超过 5 个字符。"],
        "id_number": ["身份证号码校验码不正确。"],
        "mobile": ["请输入 11 位手机号码。"],
        "born": ["请按 YYYY-MM-DD 格式输入日期。"],
        "extra": ["未知字段。"],
    }
    assert answer_errors(SCHEMA, {}) == {
        "name": ["此项为必填项。"],
        "id_number": ["此项为必填项。"],
    }


def test_answer_errors_are_localized():
    with translation.override("en"):
        assert answer_errors(SCHEMA, {"id_number": VALID_ID}) == {
            "name": ["This field is required."]
        }


def test_every_demo_form_is_valid(demo_catalogue):
    forms = MatterVersion.objects.values_list("name", "form_schema")
    assert len(forms) >= 40
    for name, schema in forms:
        assert form_schema_problems(schema) == [], name
