"""/api/v1/catalog/: public reads, the personalized checklist, and editing through the
lifecycle with declared errors (401, 403, 404, 409, 422) that change nothing."""

import json

import pytest

from tests.catalog.conftest import content
from tests.conftest import force_sign_in
from tongban.catalog.models import Matter, MatterVersion
from tongban.core.models import Department, Event

pytestmark = pytest.mark.django_db
API = "/api/v1/catalog"


def declared(client, path_template: str, method: str, status: int) -> bool:
    schema = client.get("/api/v1/openapi.json").json()
    return str(status) in schema["paths"][path_template][method]["responses"]


def test_list_and_filter(client, demo_catalogue):
    everything = client.get(f"{API}/matters", {"limit": 200}).json()
    assert everything["count"] >= 40
    police = Department.objects.get(short_name="公安局").credit_code
    mine = client.get(f"{API}/matters", {"department": police}).json()
    assert mine["count"] and {m["department"]["credit_code"] for m in mine["items"]} == {police}
    business = client.get(
        f"{API}/matters", {"audience": "business", "theme": "establishment"}
    ).json()
    assert "有限责任公司设立登记" in [m["name"] for m in business["items"]]
    named = client.get(f"{API}/matters", {"name": "出生登记"}).json()
    assert [m["name"] for m in named["items"]] == ["出生登记"]
    assert client.get(f"{API}/matters", {"department": "nope"}).json()["count"] == 0


def test_search(client, demo_catalogue):
    answer = client.get(f"{API}/search", {"q": "長者優待證"})
    assert answer.status_code == 200
    assert answer.json()["matters"][0]["name"] == "老年人优待证办理"
    assert answer.json()["matters"][0]["instant_approval"] is True


@pytest.mark.parametrize("q", ["", "出" * 201])
def test_empty_and_huge_searches_are_refused_with_422(client, demo_catalogue, q):
    answer = client.get(f"{API}/search", {"q": q})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid" and "q" in answer.json()["fields"]
    assert declared(client, "/api/v1/catalog/search", "get", 422)


def test_detail_carries_the_contracts_later_stages_need(client, demo_version):
    version = demo_version("出生登记")
    detail = client.get(f"{API}/matters/{version.matter.service_id}").json()
    assert detail["number"] == 1 and detail["status"] == "published"
    assert detail["process_key"] == "parallel_review" and detail["involved_departments"]
    assert detail["form_schema"]["properties"]["child_name"]["x-labels"]["en"] == "Baby's name"
    certificate = next(m for m in detail["materials"] if m["code"] == "birth_medical_certificate")
    assert (
        certificate["government_held"]
        and certificate["licence_type"] == "birth_medical_certificate"
    )
    assert [s["code"] for s in detail["situations"]][:2] == ["parents_married", "birth_place"]
    again = client.get(f"{API}/matters/{version.matter.service_id}/versions/1").json()
    assert again == detail


def test_unknown_matters_are_404(client, demo_catalogue):
    answer = client.get(f"{API}/matters/00000000-0000-0000-0000-000000000000")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert client.get(f"{API}/matters/not-a-uuid").status_code == 422


def test_checklist_for_answers(client, demo_version):
    version = demo_version("出生登记")
    answer = client.post(
        f"{API}/matters/{version.matter.service_id}/checklist",
        {"answers": {"parents_married": "no"}},
        content_type="application/json",
    )
    assert answer.status_code == 200
    codes = [m["code"] for m in answer.json()["materials"]]
    assert "nonmarital_statement" in codes and "marriage_certificate" not in codes
    assert answer.json()["unanswered"] == ["birth_place", "household_parent", "agent"]
    bad = client.post(
        f"{API}/matters/{version.matter.service_id}/checklist",
        {"answers": {"parents_married": True}},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_life_events(client, demo_catalogue):
    events = client.get(f"{API}/life-events").json()
    assert {e["code"] for e in events} >= {
        "newborn",
        "business-start",
        "retirement",
        "talent-settlement",
    }
    newborn = client.get(f"{API}/life-events/newborn").json()
    assert len(newborn["matters"]) == 4 and newborn["missing"] == []
    assert newborn["form_schema"]["type"] == "object"
    assert client.get(f"{API}/life-events/nothing").status_code == 404


def test_themes(client, demo_catalogue):
    themes = {t["code"]: t for t in client.get(f"{API}/themes", {"audience": "person"}).json()}
    assert themes["birth"]["matter_count"] >= 4


@pytest.fixture
def editor_client(client, departments, make_official):
    force_sign_in(client, make_official("民政局", "data_admin"))
    return client


def new_matter(client, **overrides):
    body = {
        "department": Department.objects.get(short_name="民政局").credit_code,
        "implementation_code": "API-0001",
        "content": content(),
        **overrides,
    }
    return client.post(f"{API}/matters", body, content_type="application/json")


def test_editing_through_the_api(editor_client, make_official, client):
    created = new_matter(editor_client)
    assert created.status_code == 201, created.content
    version_id = created.json()["id"]
    updated = editor_client.put(
        f"{API}/versions/{version_id}",
        {"content": content(name="API 事项")},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["status"] == "draft"
    assert editor_client.get(f"{API}/versions/{version_id}").json()["name"] == "API 事项"
    assert editor_client.post(f"{API}/versions/{version_id}/submit").json()["status"] == "in_review"
    refused = editor_client.post(f"{API}/versions/{version_id}/publish")
    assert refused.status_code == 403
    force_sign_in(client, make_official("政务服务和数据管理局", "operator"))
    assert client.post(f"{API}/versions/{version_id}/publish").json()["status"] == "published"
    conflict = client.post(f"{API}/versions/{version_id}/publish")
    assert conflict.status_code == 409 and conflict.json()["code"] == "illegal_transition"


def snapshot():
    """The catalogue and its events (signing officials in records identity events of its own)."""
    catalogue_events = Event.objects.filter(kind__startswith="catalog.").count()
    return list(MatterVersion.objects.values()), Matter.objects.count(), catalogue_events


def test_bad_editing_requests_change_nothing(editor_client, client, make_official):
    version_id = new_matter(editor_client).json()["id"]
    before = snapshot()
    invalid = editor_client.put(
        f"{API}/versions/{version_id}",
        {"content": content(committed_time_limit=99)},
        content_type="application/json",
    )
    assert invalid.status_code == 422
    assert "committed_time_limit" in invalid.json()["fields"]
    smuggled = editor_client.put(
        f"{API}/versions/{version_id}",
        {"content": content(), "status": "published"},
        content_type="application/json",
    )
    assert smuggled.status_code == 422
    duplicate = new_matter(editor_client)
    assert duplicate.status_code == 422 and "implementation_code" in duplicate.json()["fields"]
    unknown = new_matter(editor_client, department="91110000000000000X", implementation_code="X2")
    assert unknown.status_code == 422 and "department" in unknown.json()["fields"]
    client.logout()
    assert (
        client.put(
            f"{API}/versions/{version_id}", {"content": content()}, content_type="application/json"
        ).status_code
        == 401
    )
    force_sign_in(client, make_official("公安局", "data_admin"))
    assert client.get(f"{API}/versions/{version_id}").status_code == 403
    assert client.post(f"{API}/versions/{version_id}/submit").status_code == 403
    assert client.post(f"{API}/versions/999999/submit").status_code == 404
    assert client.post(f"{API}/versions/{'9' * 30}/submit").status_code == 422
    assert snapshot() == before


def test_every_catalog_operation_declares_its_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/catalog/")
        for method, op in item.items()
    ]
    assert len(operations) >= 12
    for path, method, operation in operations:
        assert {"400", "422"} <= set(operation["responses"]), (path, method)
    json.dumps(schema)  # serializable: the schema is valid JSON
