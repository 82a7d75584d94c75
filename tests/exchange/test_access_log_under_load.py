"""No call without a log line, under concurrent load through a real server (gunicorn, two
processes, threads) on the suite's database — PostgreSQL in the PostgreSQL run.

Every answer carries its X-Request-ID; every access-log line stores the request id of the call
that wrote it. The two sets must be equal, one line per call, with the result the answer
said, and one outbox event per line."""

import base64
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.common import server
from tests.conftest import child_database_url
from tests.exchange.conftest import LI, ZHANG
from tongban.core.models import Event
from tongban.exchange.models import AccessLog

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = 240
CONCURRENCY = 16
# (body changes, expected status, expected log result)
MIX = [
    ({}, 200, "allowed"),
    ({"subject_id": LI}, 200, "allowed"),
    ({"fields": ["children"]}, 403, "field_not_granted"),
    ({"subject_id": "52262219920514003X"}, 422, "malformed_subject"),
    ({"case_reference": ""}, 422, "missing_case"),
    ({"token": None}, 401, "unauthenticated"),
]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """The server checks the client secret with the platform's own hashers, so the secret is
    hashed with them here too rather than with the suite's quick one."""
    from tongban.config import settings as platform

    settings.PASSWORD_HASHERS = platform.PASSWORD_HASHERS


def test_every_concurrent_call_leaves_exactly_one_log_line(people, make_client, grant_for):
    consumer = make_client("民政局", rate_limit_per_minute=100_000)
    grant_for(consumer, people, ["name", "marital_status"])
    with server(child_database_url(), web_workers=2, threads=8) as base:
        basic = base64.b64encode(
            f"{consumer.application.client_id}:{consumer.secret}".encode()
        ).decode()
        token = requests.post(
            f"{base}/oauth/token/",
            data={"grant_type": "client_credentials", "scope": "exchange"},
            headers={"Authorization": f"Basic {basic}"},
            timeout=30,
        ).json()["access_token"]
        local = threading.local()

        def call(i: int):
            change, status, result = MIX[i % len(MIX)]
            body = {
                "registry": "people",
                "subject_id": ZHANG,
                "fields": ["name"],
                "purpose": "结婚登记",
                "case_reference": f"LOAD-{i}",
            }
            body.update({k: v for k, v in change.items() if k != "token"})
            headers = {} if "token" in change else {"Authorization": f"Bearer {token}"}
            if not hasattr(local, "session"):
                local.session = requests.Session()
            response = local.session.post(
                f"{base}/api/v1/exchange/lookups", json=body, headers=headers, timeout=60
            )
            return response.headers["X-Request-ID"], response.status_code, status, result

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            answers = list(pool.map(call, range(CALLS)))

    assert [(got, want) for _id, got, want, _r in answers if got != want] == []
    lines = {line.request_id: line.result for line in AccessLog.objects.all()}
    assert len(lines) == AccessLog.objects.count() == CALLS
    assert lines == {request_id: result for request_id, _got, _want, result in answers}
    assert Counter(lines.values())["allowed"] == CALLS // len(MIX) * 2
    assert Event.objects.filter(kind="exchange.access").count() == CALLS
