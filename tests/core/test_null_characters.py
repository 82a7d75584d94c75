"""A NUL character is refused with a 400 in each surface's own error shape before any view
runs: on PostgreSQL it used to reach a text query and answer 500."""

import json

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalog/matters?name=%00",
        "/api/v1/catalog/life-events/%00",
        "/services/?theme=%00",
        "/govstack/registration/services?name=a%00b",
    ],
)
def test_a_nul_in_the_path_or_query_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "invalid"
    elif url.startswith("/govstack/"):
        assert set(response.json()) == {"traceId", "code", "message", "localizedMessage"}


def test_a_nul_in_a_form_or_json_body_is_refused(client, db):
    # db: a sign-in POST is counted against the address's rate limit (in the database).
    assert client.post("/account/login/", {"identifier": "a\x00b"}).status_code == 400
    body = json.dumps({"name": "a\x00b"})
    response = client.post("/api/v1/catalog/matters", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_ordinary_requests_pass(client, db):
    assert client.get("/services/?theme=birth").status_code == 200
    assert client.get("/api/v1/catalog/matters?name=%E5%87%BA%E7%94%9F").status_code == 200
