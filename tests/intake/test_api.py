"""/api/v1/applications/: the applicant's and the official's calls, and their declared
errors."""

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tests.intake.conftest import ANSWERS, pdf
from tongban.intake.models import Application

BASE = "/api/v1/applications"


def client_for(account):
    return force_sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), account)


@pytest.fixture
def no_materials(single_version):
    single_version.materials.update(necessity="optional")
    return single_version


def test_create_and_submit_with_idempotency_key(citizen, no_materials):
    api = client_for(citizen)
    body = {"version_id": no_materials.pk, "form": ANSWERS}
    first = api.post(
        f"{BASE}/", body, content_type="application/json", headers={"Idempotency-Key": "abc"}
    )
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "submitted" and first.json()["number"]
    again = api.post(
        f"{BASE}/", body, content_type="application/json", headers={"Idempotency-Key": "abc"}
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = api.post(
        f"{BASE}/",
        {**body, "form": {**ANSWERS, "note": "x"}},
        content_type="application/json",
        headers={"Idempotency-Key": "abc"},
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1
    listed = api.get(f"{BASE}/").json()
    assert [a["id"] for a in listed] == [first.json()["id"]]


def test_tampered_fields_are_refused(citizen, no_materials):
    api = client_for(citizen)
    answer = api.post(
        f"{BASE}/",
        {"version_id": no_materials.pk, "form": ANSWERS, "status": "approved"},
        content_type="application/json",
        headers={"Idempotency-Key": "t"},
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert Application.objects.count() == 0
    answer = api.post(
        f"{BASE}/",
        {"version_id": no_materials.pk, "form": {**ANSWERS, "status": "approved"}},
        content_type="application/json",
        headers={"Idempotency-Key": "t2"},
    )
    assert answer.status_code == 422 and "status" in answer.json()["fields"]
    assert Application.objects.count() == 0


def test_draft_upload_submit_and_officials(citizen, single_version, officials):
    api = client_for(citizen)
    draft = api.post(
        f"{BASE}/",
        {"version_id": single_version.pk, "form": ANSWERS},
        content_type="application/json",
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    pk = draft.json()["id"]
    bad = api.post(
        f"{BASE}/{pk}/materials", {"material": "birth_record", "file": pdf("x.pdf", b"GIF89a")}
    )
    assert bad.status_code == 422
    good = api.post(f"{BASE}/{pk}/materials", {"material": "birth_record", "file": pdf()})
    assert good.status_code == 201 and len(good.json()["sha256"]) == 64
    no_key = api.post(f"{BASE}/{pk}/submit")
    assert no_key.status_code == 422
    submitted = api.post(f"{BASE}/{pk}/submit", headers={"Idempotency-Key": "s1"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    # The official sees it in the queue and accepts it; a stale version is a conflict.
    official = client_for(officials["wjw.approver"])
    queue = official.get(f"{BASE}/queue").json()
    task = next(t for t in queue if t["application_id"] == pk)
    stale = official.post(
        f"{BASE}/{pk}/tasks/{task['id']}/decide",
        {"outcome": "accept", "version": task["version"] + 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
    accepted = official.post(
        f"{BASE}/{pk}/tasks/{task['id']}/decide",
        {"outcome": "accept", "version": task["version"]},
        content_type="application/json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    # Another department's approver neither sees nor acts on it.
    other = client_for(officials["mzj.approver"])
    assert other.get(f"{BASE}/{pk}").status_code == 404
    assert (
        other.post(
            f"{BASE}/{pk}/tasks/{task['id']}/claim", {}, content_type="application/json"
        ).status_code
        == 404
    )
    review = next(t for t in api.get(f"{BASE}/{pk}/tasks").json() if t["step"] == "review")
    no_reasons = official.post(
        f"{BASE}/{pk}/tasks/{review['id']}/decide",
        {"outcome": "reject"},
        content_type="application/json",
    )
    assert no_reasons.status_code == 422 and "reasons" in no_reasons.json()["fields"]
    # The applicant cannot decide.
    assert (
        api.post(
            f"{BASE}/{pk}/tasks/{review['id']}/decide",
            {"outcome": "approve"},
            content_type="application/json",
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/"),
        ("post", "/"),
        ("get", "/1"),
        ("get", "/queue"),
        ("post", "/1/submit"),
        ("post", "/1/withdraw"),
    ],
)
def test_anonymous_is_refused(method, path, db):
    answer = getattr(Client(), method)(f"{BASE}{path}", content_type="application/json")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"


def test_other_citizen_cannot_read_or_withdraw(citizen, other_citizen, submitted):
    other = client_for(other_citizen)
    assert other.get(f"{BASE}/{submitted.pk}").status_code == 404
    answer = other.post(f"{BASE}/{submitted.pk}/withdraw", {}, content_type="application/json")
    assert answer.status_code == 404
    mine = client_for(citizen).post(
        f"{BASE}/{submitted.pk}/withdraw", {"reason": "不办了"}, content_type="application/json"
    )
    assert mine.status_code == 200 and mine.json()["status"] == "withdrawn"
    again = client_for(citizen).post(
        f"{BASE}/{submitted.pk}/withdraw", {}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_errors_are_declared_in_the_schema(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if not path.startswith(BASE):
            continue
        for operation in operations.values():
            assert {"400", "422"} <= set(operation["responses"]), path
