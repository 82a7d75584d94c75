"""/api/v1/licences/: declared answers, strict bodies, never a 500."""

import pytest

from tests.licences.conftest import client_for
from tongban.licences.models import PresentationUse

pytestmark = pytest.mark.django_db


def test_verify_by_identifier_needs_no_sign_in(senior_card):
    response = client_for(None).get(
        "/api/v1/licences/verify", {"identifier": senior_card.identifier}
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["genuine"], body["status"], body["reason"]) == (True, "valid", "genuine")
    assert body["issuer"] == "示范市民政局" and body["disclosed"] == []


def test_verify_a_wallet_presentation(senior_card, retiree):
    holder = client_for(retiree)
    created = holder.post(
        f"/api/v1/licences/{senior_card.pk}/presentations",
        {"reveal": ["holder_name", "age_equal_or_over.60"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    text = created.json()["presentation"]
    verifier = client_for(None)
    body = verifier.get("/api/v1/licences/verify", {"presentation": text}).json()
    assert body["accepted"] is True
    assert [d["claim"] for d in body["disclosed"]] == ["holder_name", "age_equal_or_over.60"]
    again = verifier.get("/api/v1/licences/verify", {"presentation": text}).json()
    assert (again["genuine"], again["reason"]) == (False, "replayed")
    assert PresentationUse.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"identifier": "1.2", "presentation": "a~b"},
        {"identifier": "x" * 300},
        {"presentation": "x" * 17000},
    ],
)
def test_verify_refuses_bad_queries_with_422(params, city):
    response = client_for(None).get("/api/v1/licences/verify", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "params",
    [
        {"identifier": "1.2.156.3005.2.0.0.0.0.0"},
        {"presentation": "~~~~"},
        {"presentation": "eyJhbGciOiJub25lIn0.e30.~"},
    ],
)
def test_verify_answers_not_genuine_for_garbage(params, city):
    response = client_for(None).get("/api/v1/licences/verify", params)
    assert response.status_code == 200
    assert response.json()["genuine"] is False


def test_my_licences(senior_card, retiree):
    body = client_for(retiree).get("/api/v1/licences/mine").json()
    assert [item["licence_type"] for item in body] == ["senior_card"]
    assert client_for(None).get("/api/v1/licences/mine").status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {"reveal": []},
        {"reveal": ["salary"]},
        {"reveal": "holder_name"},
        {"reveal": [1]},
        {"reveal": ["holder_name"], "audience": "x"},
    ],
)
def test_presentation_bodies_are_strict(senior_card, retiree, payload):
    response = client_for(retiree).post(
        f"/api/v1/licences/{senior_card.pk}/presentations", payload, content_type="application/json"
    )
    assert response.status_code == 422


def test_status_change_bodies_are_strict(senior_card, civil_affairs_approver):
    client = client_for(civil_affairs_approver)
    url = f"/api/v1/licences/{senior_card.pk}/suspend"
    for payload in ({}, {"reason": ""}, {"reason": 1}, {"reason": "x", "status": "valid"}):
        assert client.post(url, payload, content_type="application/json").status_code == 422
    assert client.post(
        f"/api/v1/licences/{senior_card.pk}/destroy",
        {"reason": "x"},
        content_type="application/json",
    ).status_code in (404, 405, 422)
    assert (
        client.post(
            "/api/v1/licences/999999/suspend", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    ok = client.post(url, {"reason": "核查"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "suspended"
    again = client.post(url, {"reason": "核查"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_export_refuses_a_bad_key(senior_card, retiree):
    response = client_for(retiree).post(
        f"/api/v1/licences/{senior_card.pk}/credential",
        {"holder_jwk": {"kty": "RSA", "n": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_openapi_declares_the_licence_operations(city):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/licences/verify" in paths
    assert "/api/v1/licences/status-lists/{credit_code}" in paths
    verify = paths["/api/v1/licences/verify"]["get"]
    assert {"200", "400", "422"} <= set(verify["responses"])
    assert not verify.get("security")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/licences/verify?identifier=1.2.156%00",
        "/api/v1/licences/status-lists/ABC%00",
        "/api/v1/licences/status-lists/" + "9" * 300,
        "/licences/verify/?identifier=%00",
    ],
)
def test_nul_and_oversized_inputs_are_answered_not_crashed(url, city):
    response = client_for(None).get(url)
    assert response.status_code in (200, 400, 404, 422)


def test_a_kid_with_a_nul_byte_is_an_unknown_key(senior_card):
    from tongban.licences import sdjwt

    header = sdjwt.b64url(sdjwt.json_bytes({"typ": "dc+sd-jwt", "alg": "EdDSA", "kid": "a\x00"}))
    text = f"{header}.{sdjwt.b64url(b'{}')}.AA~"
    body = client_for(None).get("/api/v1/licences/verify", {"presentation": text}).json()
    assert (body["genuine"], body["reason"]) == (False, "unknown_key")
