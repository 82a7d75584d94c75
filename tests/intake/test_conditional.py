"""Conditional form fields (`if`/`then` in the schema) are shown only when they apply, with
no JavaScript: answering the deciding question and saving brings the follow-up question; a
"no" removes it and its answer."""

import copy

import pytest

from tests.conftest import force_sign_in
from tests.intake.conftest import ANSWERS, FORM, draft, make_version
from tongban.catalog.formschema import applicable_fields, merge_forms
from tongban.intake.models import Status

CONDITIONAL = copy.deepcopy(FORM)
CONDITIONAL["properties"].update(
    {
        "by_agent": {
            "type": "string",
            "enum": ["yes", "no"],
            "title": "是否委托代办",
            "x-labels": {"zh-Hans": "是否委托代办", "en": "Applying through an agent?"},
            "x-widget": "radio",
            "x-order": 4,
        },
        "agent_name": {
            "type": "string",
            "maxLength": 20,
            "title": "代办人姓名",
            "x-labels": {"zh-Hans": "代办人姓名", "en": "Agent's name"},
            "x-widget": "text",
            "x-order": 5,
        },
    }
)
CONDITIONAL["allOf"] = [
    {
        "if": {"properties": {"by_agent": {"const": "yes"}}, "required": ["by_agent"]},
        "then": {"required": ["agent_name"]},
    }
]


def test_which_fields_apply():
    assert "agent_name" not in applicable_fields(CONDITIONAL, {})
    assert "agent_name" not in applicable_fields(CONDITIONAL, {"by_agent": "no"})
    assert "agent_name" in applicable_fields(CONDITIONAL, {"by_agent": "yes"})
    assert {"child_name", "by_agent", "note"} <= applicable_fields(CONDITIONAL, {})
    # `else`, and a plain form without rules.
    otherwise = {
        **CONDITIONAL,
        "allOf": [{**CONDITIONAL["allOf"][0], "else": {"required": ["note"]}}],
    }
    assert "note" not in applicable_fields(otherwise, {"by_agent": "yes"})
    assert applicable_fields(FORM, {}) == set(FORM["properties"])
    # A life event's combined form keeps each matter's rules.
    assert merge_forms([FORM, CONDITIONAL])["allOf"] == CONDITIONAL["allOf"]


@pytest.fixture
def version(health):
    version = make_version(health)
    version.form_schema = CONDITIONAL
    version.save()
    return version


def test_the_follow_up_question_appears_after_the_deciding_answer(client, citizen, version):
    force_sign_in(client, citizen)
    start = client.get(f"/apply/{version.pk}/").content.decode()
    assert "是否委托代办" in start and "代办人姓名" not in start
    assert 'id="id_f_by_agent_helptext"' in start  # the note on the deciding question
    application = draft(citizen, version)
    url = f"/applications/{application.pk}/edit/"
    fields = {"f_child_name": "张小宝", "f_child_gender": "男", "f_by_agent": "yes"}
    token = {"form_token": "t-1", "submit": "1"}
    # "Submit" with a "yes": not submitted — the agent's name is asked first.
    answer = client.post(url, {**fields, **token})
    assert answer.status_code == 302 and answer["Location"] == url
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    page = client.get(url).content.decode()
    assert "代办人姓名" in page and "id_f_by_agent_helptext" in page
    # Answered: submitted.
    answer = client.post(url, {**fields, "f_agent_name": "李代办", **token})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED, answer.content.decode()[:3000]
    assert application.form_data["agent_name"] == "李代办"


def test_a_no_removes_the_follow_up_and_its_answer(client, citizen, version):
    force_sign_in(client, citizen)
    application = draft(citizen, version, {**ANSWERS, "by_agent": "yes", "agent_name": "李"})
    url = f"/applications/{application.pk}/edit/"
    assert "代办人姓名" in client.get(url).content.decode()
    client.post(
        url,
        {
            "f_child_name": "张小宝",
            "f_child_gender": "男",
            "f_by_agent": "no",
            "f_agent_name": "李",
            "save": "1",
        },
    )
    application.refresh_from_db()
    assert application.form_data == {**ANSWERS, "by_agent": "no"}
    assert "代办人姓名" not in client.get(url).content.decode()
