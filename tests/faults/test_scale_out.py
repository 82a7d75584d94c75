"""Scale-out: two web servers and two task workers on one PostgreSQL database, the citizen
journey alternating between the servers (a session opened on one is used on the other), a
departmental system calling the exchange through both, and both workers sealing. Afterwards:
the same invariants as after a fault."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.conftest import PASSWORD
from tests.faults.harness import (
    assert_access_log_complete,
    assert_applications_exactly_once,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def journey(first: str, second: str, login: str) -> list[tuple[str, int]]:
    """Browse on one server, sign in on the other, use the session on both."""
    session = requests.Session()
    seen = []

    def get(base, path):
        response = session.get(base + path, timeout=30, allow_redirects=False)
        seen.append((f"GET {path}", response.status_code))
        return response

    get(first, "/")
    get(first, "/services/")
    form = get(second, "/account/login/")
    token = CSRF.search(form.text).group(1)
    signed_in = session.post(
        second + "/account/login/",
        data={"csrfmiddlewaretoken": token, "username": login, "password": PASSWORD},
        timeout=30,
        allow_redirects=False,
    )
    seen.append(("POST /account/login/", signed_in.status_code))
    get(first, "/me/")  # the session opened on the other server
    get(second, "/licences/")
    get(first, "/me/data-usage/")
    get(second, "/api/v1/ledger/log")
    return seen


def test_two_servers_two_workers_one_database(exchange, demo_catalogue, applicants):
    citizens = applicants(3)
    logins = [c.login for c in citizens]
    with platform(database_url(), webs=2, workers=2, web_workers=1, threads=4) as running:
        bases = [web.base for web in running.webs]
        exchange.fetch_token(bases[0])  # a token from one server works on the other
        with ThreadPoolExecutor(max_workers=3) as pool:
            journeys = list(
                pool.map(
                    lambda i: journey(bases[i % 2], bases[(i + 1) % 2], logins[i % 3]), range(6)
                )
            )
        exchange.run(bases, 120, concurrency=6)
        # Applications: signed in on one server, submitted through both, a retry on the
        # other server with the same key returning the same application.
        for i, applicant in enumerate(citizens[:2]):
            applicant.sign_in(bases[i % 2])
            for n in range(4):
                first = applicant.submit(bases[n % 2])
                again = applicant.submit(bases[(n + 1) % 2], key=first.key)
                assert (again.status, again.number) == (201, first.number)
        for steps in journeys:
            assert dict(steps) == {
                "GET /": 200,
                "GET /services/": 200,
                "GET /account/login/": 200,
                "POST /account/login/": 302,
                "GET /me/": 200,
                "GET /licences/": 200,
                "GET /me/data-usage/": 200,
                "GET /api/v1/ledger/log": 200,
            }, steps
        assert all(c.status == c.expected for c in exchange.calls)
        assert_access_log_complete(exchange.calls)
        assert_applications_exactly_once([s for c in citizens for s in c.submissions])
        assert_sealed_exactly_once(cli=True)
        assert running.running(), running.output()
    assert_no_task_lost()
