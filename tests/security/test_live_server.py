"""One live gunicorn with the whole demo seeded (a module-scoped server), and what it must
survive: every operation of the platform's OpenAPI documents fuzzed by schemathesis, by every
kind of caller the operation may meet; then a canary journey whose secrets and personal data
must not appear anywhere in the server's output.

Checks (schemathesis's own): no 5xx, every status code and every answer as declared, content
types as declared, invalid input refused with a 4xx. `make test` runs a few examples per
operation and mode (TONGBAN_FUZZ_EXAMPLES, default 5); `make fuzz` runs many more."""

import os
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tests.security.live import Live, live_platform

EXAMPLES = int(os.environ.get("TONGBAN_FUZZ_EXAMPLES", "5"))
# gunicorn refuses a request line over 4094 bytes itself (as a proxy would): such a call
# never reaches the platform, so the fuzzer does not send one.
MAX_REQUEST_LINE = 4000
SCHEMAS = [
    "/api/v1/openapi.json",
    "/govstack/registries/openapi.json",
    "/govstack/registration/openapi.json",
]

pytestmark = pytest.mark.xdist_group("security-live-fuzz")


@dataclass
class Actor:
    name: str
    session: requests.Session
    headers: dict


@pytest.fixture(scope="module")
def live():
    with live_platform(web_workers=1, threads=4) as platform:
        yield platform


@pytest.fixture(scope="module")
def actors(live: Live) -> dict[str, list[Actor]]:
    """Who calls each API: signed-in people and officials (session cookie and CSRF token) for
    /api/v1/, system clients (bearer tokens) for the exchange and the GovStack registries,
    and always someone anonymous."""
    citizen = live.sign_in(live.facts["people"]["张伟"]["login"])
    operator = live.sign_in("sjj.operator", official=True)
    approver = live.sign_in("mzj.approver", official=True)
    anonymous = requests.Session()

    def session_actor(name, session):
        return Actor(name, session, live.csrf_headers(session))

    def bearer(name, client):
        return Actor(name, requests.Session(), {"Authorization": f"Bearer {live.token(client)}"})

    people = [
        Actor("anonymous", anonymous, {}),
        session_actor("citizen", citizen),
        session_actor("operator", operator),
        session_actor("approver", approver),
    ]
    systems = [
        Actor("anonymous", anonymous, {}),
        bearer("civil-affairs system", "civil-affairs"),
        bearer("platform system", "platform"),
    ]
    return {"people": people, "systems": systems}


def callers_for(path: str, actors: dict[str, list[Actor]]) -> list[Actor]:
    if path.startswith(("/api/v1/exchange/", "/govstack/registries/")):
        return actors["systems"]
    if path.startswith("/govstack/registration/"):
        return actors["people"][:1]
    return actors["people"]


def fuzz_operation(operation, callers: list[Actor], mode: GenerationMode) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # report the first failure; no shrinking
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), actor=st.sampled_from(callers))
    def run(case, actor):
        prepared = case.as_transport_kwargs(base_url="http://127.0.0.1")
        request_line = requests.Request(
            prepared["method"], prepared["url"], params=prepared.get("params")
        ).prepare()
        assume(len(request_line.url) < MAX_REQUEST_LINE)
        case.call_and_validate(
            session=actor.session,
            headers=actor.headers,
            timeout=30,
            # Rules beyond JSON Schema (ID-number checksums, "an identifier or a code") refuse
            # some schema-valid input with the declared 422; invalid input must still be refused.
            # ignored_auth re-sends without credentials, but a session keeps its cookie: who is
            # refused is the authorization matrix's job (and anonymous callers are drawn here).
            excluded_checks=[positive_data_acceptance, ignored_auth],
        )

    run()


@pytest.mark.parametrize("schema_path", SCHEMAS)
def test_every_operation_answers_as_declared(live, actors, schema_path):
    schema = schemathesis.openapi.from_url(live.url(schema_path))
    # The callers bring their own credentials (session cookie, bearer token): schemathesis
    # neither generates nor drops them, or a missing cookie would still be sent by the session.
    schema.config.generation.update(with_security_parameters=False)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        callers = callers_for(operation.path if schema_path.startswith("/api/v1") else "", actors)
        if schema_path.startswith("/govstack/registries/"):
            callers = actors["systems"]
        elif schema_path.startswith("/govstack/registration/"):
            callers = actors["people"][:1]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(operation, callers, mode)
            except Unsatisfiable:  # nothing invalid can be sent (e.g. no parameters at all)
                continue
            except (Exception, BaseExceptionGroup) as failure:  # report every operation
                failures.append(f"{operation.label} [{mode.value}]\n{str(failure)[:1500]}")
    assert operations
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)


# -- canary: secrets and personal data never reach the logs --------------------------------

CANARY_PASSWORD = "Canary-passphrase-7f3e9q"
CANARY_WRONG_PASSWORD = "Canary-wrong-guess-5k2m"
CANARY_TOKEN = "canarytoken0d9c8b7a6f5e4d3c2b1a"


def canary_id_number() -> str:
    import datetime

    from tongban.demo.codes import id_number

    return id_number("110105", datetime.date(1988, 8, 8), 517)


def test_no_password_token_or_id_number_reaches_the_logs(live: Live):
    """Seeds a password, tokens and an ID number, runs a journey through the live server
    (registration, a failed and a good sign-in, the personal centre, API calls with a bad and
    a good bearer token, an exchange lookup of the ID number, invalid input, unknown paths),
    then searches the server's whole output for each of them."""
    from tests.security.live import read_log

    number = canary_id_number()
    phone = "13912345678"
    people = requests.Session()
    people.get(live.url("/account/register/"), timeout=30)
    registered = people.post(
        live.url("/account/register/"),
        data={
            "real_name": "金丝雀",
            "id_number": number,
            "phone": phone,
            "email": "canary@example.cn",
            "password": CANARY_PASSWORD,
        },
        headers=live.csrf_headers(people, "/account/register/"),
        timeout=30,
    )
    assert registered.status_code == 200, registered.text[:500]
    wrong = people.post(
        live.url("/account/login/"),
        data={"username": number, "password": CANARY_WRONG_PASSWORD},
        headers=live.csrf_headers(people, "/account/login/"),
        timeout=30,
    )
    assert wrong.status_code == 400
    assert CANARY_WRONG_PASSWORD not in wrong.text  # the login typed is shown again, not this
    signed_in = people.post(
        live.url("/account/login/"),
        data={"username": number, "password": CANARY_PASSWORD},
        headers=live.csrf_headers(people, "/account/login/"),
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302
    centre = people.get(live.url("/me/"), timeout=30)
    assert centre.status_code == 200 and number not in centre.text  # shown masked
    assert people.get(live.url("/api/v1/identity/me"), timeout=30).status_code == 200
    # A bad bearer token, a good one, an exchange lookup of the ID number, invalid input.
    bad = requests.get(
        live.url("/api/v1/exchange/grants"),
        headers={"Authorization": f"Bearer {CANARY_TOKEN}"},
        timeout=30,
    )
    assert bad.status_code == 401 and CANARY_TOKEN not in bad.text
    token = live.token("civil-affairs")
    lookup = requests.post(
        live.url("/api/v1/exchange/lookups"),
        json={
            "registry": "population",
            "subject_id": number,
            "fields": ["name"],
            "purpose": "婚姻登记",
            "case_reference": "CANARY-1",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert lookup.status_code in (200, 404), lookup.text
    invalid = requests.post(
        live.url("/api/v1/exchange/lookups"),
        data=f'{{"subject_id": "{number}", "password": "{CANARY_PASSWORD}"',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert invalid.status_code in (400, 422)
    assert CANARY_PASSWORD not in invalid.text
    # Personal data where it does not belong: in a URL, a query string, a header.
    requests.get(live.url(f"/no-such-page/{number}/"), params={"id": number}, timeout=30)
    requests.get(
        live.url("/api/v1/licences/verify"),
        params={"identifier": number, "token": CANARY_TOKEN},
        # Not X-Request-ID: a well-formed one is the proxy's correlation id and is logged as
        # given (docs/security.md, gaps).
        headers={"X-Api-Key": CANARY_TOKEN, "Cookie": f"sessionid={CANARY_TOKEN}"},
        timeout=30,
    )
    client = live.facts["clients"]["civil-affairs"]
    log = read_log(live)
    assert "request" in log  # the server did log (one line per request)
    for secret in (
        CANARY_PASSWORD,
        CANARY_WRONG_PASSWORD,
        CANARY_TOKEN,
        token,
        client["secret"],
        number,
        phone,
    ):
        assert secret not in log, f"{secret[:6]}… appears in the server's output"
