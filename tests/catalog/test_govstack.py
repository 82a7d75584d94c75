"""GovStack Registration BB `GET /services` and `/services/{serviceId}`, checked against the
schemas of the specification itself."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# shared/ lies beside the project (../shared); a git worktree sits one level deeper.
SPECS = [
    folder / "shared/specs/govstack/GovStack_Registration_BB_API.json"
    for folder in (ROOT.parent, ROOT.parent.parent)
]
BASE = "/govstack/registration"


@pytest.fixture(scope="module")
def spec():
    found = next((path for path in SPECS if path.exists()), None)
    if found is None:
        pytest.fail(f"the GovStack specification is missing: looked at {SPECS}")
    return json.loads(found.read_text(encoding="utf-8"))


def validator(spec, schema):
    """A validator for one of the spec's response schemas, resolving its components."""
    return Draft202012Validator(
        {**schema, "components": spec["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def response_schema(spec, path, status="200"):
    return spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def test_service_list_matches_the_spec(client, spec, demo_catalogue):
    answer = client.get(f"{BASE}/services")
    assert answer.status_code == 200
    services = answer.json()
    assert len(services) >= 40
    errors = list(validator(spec, response_schema(spec, "/services")).iter_errors(services))
    assert errors == []
    by_name = {s["name"]: s for s in services}
    facts = {p["code"]: p["value"] for p in by_name["老年人优待证办理"]["serviceBody"]}
    assert facts["instantApproval"] == "true" and facts["department"] == "示范市民政局"
    assert by_name["发热门诊查询"]["isExecutable"] is False  # nothing to apply for


def test_service_list_filters_by_name(client, demo_catalogue):
    names = [s["name"] for s in client.get(f"{BASE}/services", {"name": "公積金"}).json()]
    assert names and all("公积金" in n for n in names)
    english = [s["name"] for s in client.get(f"{BASE}/services", {"name": "birth"}).json()]
    assert "出生登记" in english


def test_one_service_matches_the_spec(client, spec, demo_version):
    version = demo_version("出生登记")
    answer = client.get(f"{BASE}/services/{version.matter.service_id}")
    assert answer.status_code == 200
    schema = response_schema(spec, "/services/{serviceId}")
    assert list(validator(spec, schema).iter_errors(answer.json())) == []
    assert answer.json()["id"] == str(version.matter.service_id)
    assert answer.json()["version"] == "1"


def test_unknown_and_malformed_ids(client, spec, demo_catalogue):
    system_error = spec["components"]["schemas"]["systemError"]
    missing = client.get(f"{BASE}/services/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert list(validator(spec, system_error).iter_errors(missing.json())) == []
    malformed = client.get(f"{BASE}/services/not-a-uuid")
    assert malformed.status_code == 422
    assert malformed.json()["code"] == "invalid" and malformed.json()["traceId"]


def test_the_openapi_document_is_served(client):
    schema = client.get(f"{BASE}/openapi.json").json()
    assert {
        "/govstack/registration/services",
        "/govstack/registration/services/{serviceId}",
    } <= set(schema["paths"])
    operation = schema["paths"]["/govstack/registration/services/{serviceId}"]["get"]
    assert operation["operationId"] == "getService"
    assert {"200", "404"} <= set(operation["responses"])
