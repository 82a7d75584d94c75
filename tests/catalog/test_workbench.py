"""The catalogue's workbench pages (事项管理): a department's data administrator edits and
submits, the platform operator reviews, publishes, returns and withdraws — through server-
rendered forms (no JavaScript), with every refusal changing nothing."""

import re

import pytest
from django.urls import reverse

from tests.catalog.conftest import content
from tests.conftest import force_sign_in
from tongban.catalog import catalogue_format as fmt
from tongban.catalog import services
from tongban.catalog.forms import Editor
from tongban.catalog.models import MatterVersion, ReviewNote
from tongban.core.models import Department, Event

pytestmark = pytest.mark.django_db
Status = MatterVersion.Status
OWN, OTHER, PLATFORM = "民政局", "公安局", "政务服务和数据管理局"


@pytest.fixture
def people(departments, make_official, citizen):
    return {
        "admin, own department": make_official(OWN, "data_admin"),
        "admin, other department": make_official(OTHER, "data_admin"),
        "operator": make_official(PLATFORM, "operator"),
        "approver": make_official(OWN, "approver"),
        "citizen": citizen,
        "anonymous": None,
    }


@pytest.fixture
def matter(people):
    """A matter of 民政局 with version 1 published."""
    admin, operator = people["admin, own department"], people["operator"]
    first = services.create_matter(
        actor=admin,
        department=Department.objects.get(short_name=OWN),
        implementation_code="WB-0001",
        content=content(
            name="工作台测试事项",
            conditions=[{"code": "adult", "text": "年满十八周岁"}],
            fees=[{"item": "工本费", "standard": "10元"}],
        ),
    )
    services.submit_version(actor=admin, version=first)
    services.publish_version(actor=operator, version=first)
    return first.matter


@pytest.fixture
def draft(matter, people):
    return services.start_revision(actor=people["admin, own department"], matter=matter)


def client_as(client, account):
    return force_sign_in(client, account) if account is not None else client


def snapshot():
    return (
        list(MatterVersion.objects.order_by("pk").values()),
        list(ReviewNote.objects.values()),
        Event.objects.count(),
    )


def form_data(version: MatterVersion, **elements) -> dict:
    """What the edit page posts when nothing but `elements` is changed."""
    editor = Editor(fmt.version_content(version))
    data = {}
    forms = [editor.elements] + [f for fs in editor.formsets.values() for f in fs.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    for formset in editor.formsets.values():
        for field in formset.management_form:
            data[field.html_name] = field.value()
    for key, value in elements.items():
        data[key] = value
    return data


def committed(version) -> int:
    return MatterVersion.objects.get(pk=version.pk).committed_time_limit


# (who) -> the verbs the pages let them use on 民政局's matter
MAY = {
    "admin, own department": {"list", "edit", "submit", "withdraw"},
    "admin, other department": set(),
    "operator": {"publish", "return", "withdraw"},
    "approver": set(),
    "citizen": set(),
    "anonymous": set(),
}


def attempt(client, verb, matter, people):
    """Try `verb` on the matter; answer (response, whether it took effect)."""
    admin = people["admin, own department"]
    published = matter.versions.get(status=Status.PUBLISHED)
    if verb == "list":
        response = client.get(reverse("catalog:department_matters"))
        return response, response.status_code == 200 and "工作台测试事项" in response.text
    if verb in ("publish", "return"):
        draft = services.start_revision(actor=admin, matter=matter)
        services.submit_version(actor=admin, version=draft)
    elif verb in ("edit", "submit"):
        draft = services.start_revision(actor=admin, matter=matter)
    if verb == "edit":
        url = reverse("catalog:edit_version", args=[draft.pk])
        response = client.post(url, form_data(draft, committed_time_limit="3"))
        return response, committed(draft) == 3
    target = published if verb == "withdraw" else draft
    url = reverse("catalog:move_version", args=[target.pk, verb])
    response = client.post(url, {"reason": "材料清单需与条例一致"})
    expected = {
        "submit": Status.IN_REVIEW,
        "publish": Status.PUBLISHED,
        "return": Status.DRAFT,
        "withdraw": Status.WITHDRAWN,
    }[verb]
    target.refresh_from_db()
    return response, target.status == expected


@pytest.mark.parametrize("who", sorted(MAY))
@pytest.mark.parametrize("verb", ["list", "edit", "submit", "publish", "return", "withdraw"])
def test_authorization_matrix(client, people, matter, who, verb):
    client_as(client, people[who])
    if verb != "list":
        # the setup's own writes (a new draft, a submission) are not part of the attempt
        response, took_effect = _attempt_and_compare(client, verb, matter, people)
    else:
        response, took_effect = attempt(client, verb, matter, people)
    assert took_effect is (verb in MAY[who]), response.status_code
    if verb not in MAY[who]:
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"]
        elif verb != "list" or (who != "admin, other department" and who != "operator"):
            assert response.status_code in (403, 404)


def _attempt_and_compare(client, verb, matter, people):
    """`attempt`, asserting that a refused attempt changed nothing after its setup."""
    from unittest import mock

    states = []
    real = client.post

    def post(*args, **kwargs):
        states.append(snapshot())
        response = real(*args, **kwargs)
        states.append(snapshot())
        return response

    with mock.patch.object(client, "post", post):
        response, took_effect = attempt(client, verb, matter, people)
    if not took_effect:
        assert states[0] == states[1], "a refused step changed something"
    return response, took_effect


def test_the_department_list_shows_published_and_open_versions(client, people, draft):
    client_as(client, people["admin, own department"])
    page = client.get(reverse("catalog:department_matters")).text
    assert "工作台测试事项" in page
    assert reverse("catalog:edit_version", args=[draft.pk]) in page
    assert "第 1 版 · 已发布" in page and "第 2 版 · 草稿" in page
    other = client_as(client, people["admin, other department"])
    assert "工作台测试事项" not in other.get(reverse("catalog:department_matters")).text


def test_a_revision_starts_from_the_list_once(client, people, matter):
    client_as(client, people["admin, own department"])
    url = reverse("catalog:start_revision", args=[matter.pk])
    response = client.post(url)
    draft = matter.versions.get(status=Status.DRAFT)
    assert response["Location"] == reverse("catalog:edit_version", args=[draft.pk])
    before = snapshot()
    response = client.post(url, follow=True)
    assert "先完成或退回" in response.text or "open draft" in response.text.lower()
    assert snapshot() == before


def test_an_admin_edits_a_draft_without_javascript(client, people, draft):
    client_as(client, people["admin, own department"])
    url = reverse("catalog:edit_version", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.text
    assert 'name="committed_time_limit"' in html and 'name="materials-1-code"' in html
    data = form_data(draft, committed_time_limit="3", name="工作台测试事项（新）")
    data["conditions-0-DELETE"] = "on"  # remove the only condition
    data["fees-0-standard"] = "免费"
    data.update(  # fill the blank material row: a new registry material
        {
            "materials-1-code": "hukou",
            "materials-1-name": "户口簿",
            "materials-1-kind": "electronic",
            "materials-1-necessity": "required",
            "materials-1-copies": "0",
            "materials-1-source": "registry",
            "materials-1-source_department": Department.objects.get(
                short_name="公安局"
            ).credit_code,
            "materials-1-registry_code": "population",
            "materials-1-registry_field": "household",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    saved = fmt.version_content(MatterVersion.objects.get(pk=draft.pk))
    assert saved["committed_time_limit"] == 3 and saved["name"] == "工作台测试事项（新）"
    assert saved["conditions"] == []
    assert saved["fees"][0]["standard"] == "免费"
    assert [m["code"] for m in saved["materials"]] == ["id_card", "hukou"]
    assert saved["materials"][1]["source_department"]

    page = client.get(reverse("catalog:version", args=[draft.pk])).text
    assert "与版本 1 相比的变化" in page
    assert "承诺办结时限（工作日）" in page and "<del>5</del>" in page and "<ins>3</ins>" in page
    assert "户口簿" in page and "年满十八周岁" in page  # added and removed rows


def test_a_refused_edit_marks_the_field_and_changes_nothing(client, people, draft):
    client_as(client, people["admin, own department"])
    before = snapshot()
    url = reverse("catalog:edit_version", args=[draft.pk])
    response = client.post(url, form_data(draft, committed_time_limit="30"))
    assert response.status_code == 400
    assert (
        "承诺办结时限不得超过法定办结时限" in response.text or "usa-error-message" in response.text
    )
    assert 'id="id_committed_time_limit-error"' in response.text
    data = form_data(draft)
    data["materials-0-source"] = "registry"  # a registry material names its registry
    response = client.post(url, data)
    assert (
        response.status_code == 400 and 'id="id_materials-0-registry_code-error"' in response.text
    )
    assert snapshot() == before


def test_publication_problems_are_listed_in_plain_language_before_submitting(client, people, draft):
    admin = people["admin, own department"]
    services.update_draft(
        actor=admin, version=draft, content=content(legal_basis="", committed_time_limit=None)
    )
    client_as(client, admin)
    url = reverse("catalog:version", args=[draft.pk])
    page = client.get(url).text
    assert "提交前请先解决" in page
    assert "请填写设定依据" in page or "法律依据" in page
    before = snapshot()
    response = client.post(reverse("catalog:move_version", args=[draft.pk, "submit"]), follow=True)
    assert "尚不完整" in response.text
    assert snapshot() == before


def test_the_operator_returns_with_a_reason_the_department_reads(client, people, draft):
    admin, operator = people["admin, own department"], people["operator"]
    services.submit_version(actor=admin, version=draft)
    client_as(client, operator)
    queue = client.get(reverse("catalog:review_queue")).text
    assert reverse("catalog:version", args=[draft.pk]) in queue
    page = client.get(reverse("catalog:version", args=[draft.pk])).text
    assert "发布" in page and 'name="reason"' in page
    before = snapshot()
    url = reverse("catalog:move_version", args=[draft.pk, "return"])
    assert client.post(url, {"reason": "  "}).status_code == 400  # a reason is required
    assert snapshot() == before
    response = client.post(url, {"reason": "收费依据请写明文号"})
    assert response["Location"] == reverse("catalog:review_queue")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    client_as(client, admin)
    assert "收费依据请写明文号" in client.get(reverse("catalog:version", args=[draft.pk])).text


def test_publishing_from_the_page_updates_the_public_guide(client, people, draft, matter):
    admin, operator = people["admin, own department"], people["operator"]
    services.update_draft(actor=admin, version=draft, content=content(committed_time_limit=2))
    services.submit_version(actor=admin, version=draft)
    client_as(client, operator)
    client.post(reverse("catalog:move_version", args=[draft.pk, "publish"]))
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    guide = client.get(reverse("catalog:guide", args=[matter.service_id])).text
    assert "2 个工作日" in guide


def test_withdrawing_needs_a_reason_and_keeps_it(client, people, matter):
    client_as(client, people["operator"])
    published = matter.versions.get(status=Status.PUBLISHED)
    url = reverse("catalog:move_version", args=[published.pk, "withdraw"])
    before = snapshot()
    assert client.post(url, {}).status_code == 400
    assert snapshot() == before
    client.post(url, {"reason": "该事项已取消"})
    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN
    note = ReviewNote.objects.get(version=published)
    assert (note.step, note.reason) == ("withdrawn", "该事项已取消")
    event = Event.objects.filter(kind="catalog.version.withdrawn").last()
    assert "该事项已取消" not in str(event.payload)  # the reason stays out of the ledger


def test_the_workbench_links_by_role(client, people):
    links = {
        "admin, own department": (True, False),
        "operator": (True, True),  # the operator's own department's matters, and the review
        "approver": (False, False),
    }
    for who, (edits, reviews) in links.items():
        client_as(client, people[who])
        page = client.get(reverse("identity:workbench")).text
        assert (reverse("catalog:department_matters") in page) is edits, who
        assert (reverse("catalog:review_queue") in page) is reviews, who


def test_the_pages_carry_no_inline_code(client, people, draft):
    client_as(client, people["admin, own department"])
    for url in (
        reverse("catalog:department_matters"),
        reverse("catalog:version", args=[draft.pk]),
        reverse("catalog:edit_version", args=[draft.pk]),
    ):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), url


def test_unknown_steps_and_versions_are_not_found(client, people, draft):
    client_as(client, people["admin, own department"])
    assert (
        client.post(reverse("catalog:move_version", args=[draft.pk, "delete"])).status_code == 404
    )
    assert client.get(reverse("catalog:version", args=[10**12])).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Edit the draft"), ("zh-hant", "編輯草稿")]
)
def test_the_editor_speaks_every_language(client, people, draft, language, heading):
    client_as(client, people["admin, own department"])
    page = client.get(
        reverse("catalog:edit_version", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).text
    assert f"<h1>{heading}</h1>" in page
