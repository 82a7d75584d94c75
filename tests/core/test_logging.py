"""Log lines are JSON with the request id; they name the route, never the query string."""

import json
import logging

import pytest

from tongban.core.logging import JsonFormatter, RequestIdFilter, bind_request_id, reset_request_id

pytestmark = pytest.mark.django_db


def test_a_log_line_is_json_with_the_request_id():
    record = logging.LogRecord("tongban.x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = bind_request_id("req-abcdefgh")
    try:
        RequestIdFilter().filter(record)
    finally:
        reset_request_id(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-abcdefgh"
    assert line["level"] == "INFO"


def test_request_log_names_the_route_not_the_query(client, caplog):
    secret = "11010519491231002X"
    with caplog.at_level(logging.INFO, logger="tongban.request"):
        client.get("/search/", {"q": secret}, HTTP_X_REQUEST_ID="req-00000001")
    records = [r for r in caplog.records if r.name == "tongban.request"]
    assert records, "no request log line"
    formatted = [JsonFormatter().format(r) for r in records]
    assert all(secret not in line for line in formatted)
    assert json.loads(formatted[-1])["route"] == "search/"
    assert json.loads(formatted[-1])["status"] == 200


def test_a_malformed_incoming_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces\n")
    assert response["X-Request-ID"] != "bad id with spaces\n"
    assert len(response["X-Request-ID"]) == 32
