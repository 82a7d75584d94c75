"""GovStack Registration BB applications, documents and tasks, checked against the schemas of
the specification itself; statuses PENDING / SENDBACK / APPROVED / REJECTED."""

import copy
import json
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from tests.conftest import force_sign_in
from tests.intake.conftest import ANSWERS, open_task, pdf, submit
from tongban.intake import services
from tongban.intake.govstack import status_code
from tongban.intake.models import Application, Status

ROOT = Path(__file__).resolve().parents[2]
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
    document = json.loads(found.read_text(encoding="utf-8"))
    # Spec drift: `formData.data` says every answer is an object (additionalProperties:
    # {type: object}); answers are text, numbers and lists. Only this keyword is relaxed.
    document = copy.deepcopy(document)
    document["components"]["schemas"]["formData"]["properties"]["data"]["additionalProperties"] = {}
    return document


def check(spec, path, method, body, status="200"):
    content = spec["paths"][path][method]["responses"][status]["content"]
    schema = next(iter(content.values()))["schema"]
    validator = Draft202012Validator(
        {**schema, "components": spec["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == []


def client_for(account):
    return force_sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), account)


def test_document_then_application_then_tasks(spec, citizen, single_version, officials):
    api = client_for(citizen)
    uploaded = api.post(f"{BASE}/documents?additionalMetadata=birth_record", {"file": pdf()})
    assert uploaded.status_code == 200, uploaded.content
    check(spec, "/documents", "post", uploaded.json())
    bad = api.post(
        f"{BASE}/documents?additionalMetadata=birth_record", {"file": pdf("x.pdf", b"not a pdf")}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    check(spec, "/documents", "post", bad.json(), "400")  # systemError shape
    body = {
        "applicantId": str(citizen.pk),
        "applicationName": "出生医学证明",
        "formData": {"data": ANSWERS, "eFormId": str(single_version.pk)},
        "documentUrls": [uploaded.json()["url"]],
    }
    url = f"{BASE}/services/{single_version.matter.service_id}/applications"
    answer = api.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "gs-1"}
    )
    assert answer.status_code == 200, answer.content
    check(spec, "/services/{serviceId}/applications", "post", answer.json())
    assert answer.json()["status"]["code"] == "PENDING"
    file_id = answer.json()["fileId"]
    again = api.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "gs-1"}
    )
    assert again.json()["fileId"] == file_id
    assert Application.objects.filter(number=file_id).get().uploads.count() == 1
    listed = api.get(f"{BASE}/applications").json()
    check(spec, "/applications", "get", listed)
    assert [item["fileId"] for item in listed] == [file_id]
    one = api.get(f"{BASE}/applications/{file_id}").json()
    check(spec, "/applications/{fileId}", "get", one)
    # Someone else's applicantId is refused.
    other = api.post(url, {**body, "applicantId": "999999"}, content_type="application/json")
    assert other.status_code == 403
    # The official's tasks.
    official = client_for(officials["wjw.approver"])
    tasks = official.get(f"{BASE}/tasks").json()
    check(spec, "/tasks", "get", tasks)
    task = next(t for t in tasks if t["fileId"] == file_id)
    detail = official.get(f"{BASE}/tasks/{task['taskId']}").json()
    check(spec, "/tasks/{taskId}", "get", detail)
    done = official.post(
        f"{BASE}/tasks/{task['taskId']}/complete",
        {"data": {"outcome": "accept"}},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    check(spec, "/tasks/{taskId}/complete", "post", done.json())
    # The applicant cannot complete a task; the wrong department cannot see it.
    review = open_task(Application.objects.get(number=file_id), "review")
    assert (
        api.post(
            f"{BASE}/tasks/{review.pk}/complete",
            {"data": {"outcome": "approve"}},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client_for(officials["gaj.approver"]).get(f"{BASE}/tasks/{review.pk}").status_code == 404
    assert Client().get(f"{BASE}/applications").status_code == 401


@pytest.mark.parametrize(
    "status, code",
    [
        (Status.DRAFT, "PENDING"),
        (Status.SUBMITTED, "PENDING"),
        (Status.ACCEPTED, "PENDING"),
        (Status.IN_REVIEW, "PENDING"),
        (Status.SUPPLEMENT, "SENDBACK"),
        (Status.APPROVED, "APPROVED"),
        (Status.REJECTED, "REJECTED"),
        (Status.REFUSED, "REJECTED"),
        (Status.WITHDRAWN, "REJECTED"),
    ],
)
def test_status_mapping(status, code):
    assert status_code(Application(status=status)) == code


def test_delivered_keeps_the_outcome():
    assert status_code(Application(status=Status.DELIVERED, outcome="approved")) == "APPROVED"
    assert status_code(Application(status=Status.CLOSED, outcome="refused")) == "REJECTED"


def test_sendback_seen_by_the_applicant(spec, citizen, single_version, officials):
    app = submit(citizen, single_version)
    services.request_supplement(
        actor=officials["wjw.approver"],
        application=app,
        task=open_task(app, "accept"),
        reasons="缺材料",
    )
    one = client_for(citizen).get(f"{BASE}/applications/{app.number}").json()
    assert one["status"]["code"] == "SENDBACK"


def put(api, file_id, body):
    return api.put(f"{BASE}/applications/{file_id}", body, content_type="application/json")


def test_put_resubmits_a_file_sent_back(spec, citizen, single_version, officials):
    """SENDBACK → the applicant corrects the answers and hands in the document asked for:
    the file is PENDING again and the task is back with the official."""
    app = submit(citizen, single_version)
    services.request_supplement(
        actor=officials["wjw.approver"],
        application=app,
        task=open_task(app, "accept"),
        reasons="照片不清晰，性别填错",
        materials=["photo"],
    )
    api = client_for(citizen)
    body = {
        "applicantId": str(citizen.pk),
        "formData": {"data": {**ANSWERS, "child_gender": "女"}},
    }
    # The document asked for is missing: refused, nothing changed.
    missing = put(api, app.number, body)
    assert missing.status_code == 422, missing.content
    check(spec, "/documents", "post", missing.json(), "400")  # systemError shape
    app.refresh_from_db()
    assert (app.status, app.form_data["child_gender"]) == (Status.SUPPLEMENT, "男")
    # Wrong answers are refused too.
    bad = put(api, app.number, {**body, "formData": {"data": {"child_gender": "?"}}})
    assert bad.status_code == 422
    photo = api.post(f"{BASE}/documents?additionalMetadata=photo", {"file": pdf("p.pdf")}).json()
    answer = put(api, app.number, {**body, "documentUrls": [photo["url"]]})
    assert answer.status_code == 200, answer.content
    check(spec, "/applications/{fileId}", "put", answer.json())
    assert answer.json()["status"]["code"] == "PENDING"
    assert answer.json()["applicationData"]["formData"]["data"]["child_gender"] == "女"
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.supplements.get().answered_at is not None
    assert app.uploads.get(material_code="photo").for_supplement_id is not None
    assert open_task(app, "accept")  # back with the department


def test_put_updates_a_draft(spec, citizen, single_version):
    draft = services.save_draft(actor=citizen, version=single_version, form_data={})
    api = client_for(citizen)
    body = {"applicantId": str(citizen.pk), "formData": {"data": ANSWERS}}
    answer = put(api, f"draft-{draft.pk}", body)
    assert answer.status_code == 200, answer.content
    check(spec, "/applications/{fileId}", "put", answer.json())
    draft.refresh_from_db()
    assert draft.form_data == ANSWERS and draft.status == Status.DRAFT
    check(
        spec,
        "/applications/{fileId}",
        "get",
        api.get(f"{BASE}/applications/draft-{draft.pk}").json(),
    )


def test_put_is_refused_where_the_lifecycle_forbids(
    spec, citizen, other_citizen, single_version, officials
):
    app = submit(citizen, single_version)
    api = client_for(citizen)
    body = {"applicantId": str(citizen.pk), "formData": {"data": {**ANSWERS, "note": "改"}}}
    # Submitted and waiting for acceptance: the answers are the department's to judge now.
    refused = put(api, app.number, body)
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_transition"
    check(spec, "/documents", "post", refused.json(), "400")
    app.refresh_from_db()
    assert "note" not in app.form_data
    # Someone else's file is not found; another applicantId is refused.
    other = client_for(other_citizen)
    assert put(other, app.number, {**body, "applicantId": str(other_citizen.pk)}).status_code == 404
    assert put(api, app.number, {**body, "applicantId": "999"}).status_code == 403
    assert put(api, "nope", body).status_code == 404
    # An official cannot rewrite the applicant's answers.
    official = client_for(officials["wjw.approver"])
    body_official = {**body, "applicantId": str(officials["wjw.approver"].pk)}
    assert put(official, app.number, body_official).status_code in (403, 404)
