"""Scale-out: two web servers and two task workers on one PostgreSQL database, the citizen
journey alternating between the servers (a session opened on one is used on the other), a
departmental system calling the exchange through both, and both workers sealing. Afterwards:
the same invariants as after a fault."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.exchange.conftest import LI, WANG, ZHANG
from tests.faults.harness import (
    assert_access_log_complete,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
)
from tongban.identity.models import Account, Person

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def citizen(number: str, name: str, login: str) -> str:
    account = Account.objects.create_user(
        login, PASSWORD, kind=Account.Kind.PERSON, display_name=name
    )
    person = Person(account=account, real_name=name, id_number=number)
    person.clean()
    person.save()
    return login


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


def test_two_servers_two_workers_one_database(exchange, demo_catalogue):
    logins = [
        citizen(number, name, f"citizen-{i}")
        for i, (number, name) in enumerate(((ZHANG, "张伟"), (LI, "李娜"), (WANG, "王芳")))
    ]
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
        assert_sealed_exactly_once(cli=True)
        assert running.running(), running.output()
    assert_no_task_lost()
