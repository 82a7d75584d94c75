"""A refused call's log line is committed even though the call fails: seen from another
database connection, and kept when the request that made it ends in an error."""

import json
import threading

import pytest
from django.db import connections

from tests.exchange.conftest import ZHANG
from tongban.exchange import gateway
from tongban.exchange.callers import Caller
from tongban.exchange.models import AccessLog

pytestmark = pytest.mark.django_db(transaction=True)


def count_from_another_connection() -> int:
    result = []

    def read():
        try:
            result.append(AccessLog.objects.count())
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return result[0]


def test_a_refused_calls_line_is_committed_before_the_refusal_is_raised(people, make_client):
    consumer = make_client()
    with pytest.raises(gateway.AccessRefused) as refused:
        gateway.fetch(
            caller=Caller(consumer, "api"),
            registry_code="people",
            subject_id=ZHANG,
            fields=["name"],
            purpose="p",
            case_reference="c",
        )
    assert refused.value.code == "no_grant"
    assert count_from_another_connection() == 1


def test_the_line_stays_when_the_request_then_fails(people, make_client, client):
    """A view that crashes after the refusal (a 500) does not take the log line with it."""
    consumer = make_client()
    client.raise_request_exception = False

    original = gateway.REFUSALS["no_grant"]
    try:
        gateway.REFUSALS["no_grant"] = (403, _Exploding())
        from tests.exchange.conftest import token_for

        bearer = token_for(client, consumer)
        response = client.post(
            "/api/v1/exchange/lookups",
            data=json.dumps(
                {
                    "registry": "people",
                    "subject_id": ZHANG,
                    "fields": ["name"],
                    "purpose": "p",
                    "case_reference": "c",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
        )
    finally:
        gateway.REFUSALS["no_grant"] = original
    assert response.status_code == 500
    assert count_from_another_connection() == 1
    assert AccessLog.objects.get().result == "no_grant"


class _Exploding:
    """A refusal message that fails when the view renders it: the request ends in a 500."""

    def __str__(self):
        raise RuntimeError("the answer could not be rendered")
