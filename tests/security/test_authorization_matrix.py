"""Least privilege, checked on every endpoint: the tables in tests/security/matrix/ name, for
each route the URL resolver knows, the verbs it serves and the actors allowed; every other
actor must be refused and every other verb must answer 405."""

import contextlib
import json
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.matrix import ACTORS, EXEMPT_PREFIXES, VERBS, Row, all_rows
from tests.security.matrix.world import Clients, build_world

REFUSED = {401, 403, 404}


def resolver_routes() -> dict[str, str]:
    """Every route the platform answers (as the resolver spells it) -> its view's name."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if any(route.startswith(p) for p in EXEMPT_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                view = entry.callback
                module = getattr(view, "__module__", "?")
                found.setdefault(route, f"url name {entry.name!r}, view in {module}")

    walk(get_resolver().url_patterns, "")
    return found


def pending_routes() -> set[str]:
    """Routes an app's table lists as not yet written (`PENDING`): reported, not failed."""
    import importlib

    from tests.security.matrix import tables

    pending: set[str] = set()
    for name in tables():
        table = importlib.import_module(f"tests.security.matrix.{name}")
        pending |= set(getattr(table, "PENDING", []))
    return pending


def test_every_endpoint_has_a_row():
    routes = resolver_routes()
    covered = {row.route for row in all_rows()}
    missing = sorted(set(routes) - covered - pending_routes())
    assert not missing, (
        "endpoints without a row in the authorization matrix (add them to "
        "tests/security/matrix/<app>.py):\n"
        + "\n".join(f"  {route!r}  ({routes[route]})" for route in missing)
    )
    stale = sorted((covered | pending_routes()) - set(routes))
    assert not stale, f"rows or pending entries for routes that no longer exist: {stale}"


def test_pending_routes_have_no_rows_yet():
    """A route with rows must leave PENDING (so the list only ever shrinks to nothing)."""
    both = pending_routes() & {row.route for row in all_rows()}
    assert not both, f"listed as pending but already in a table: {sorted(both)}"


def test_every_row_is_well_formed():
    for row in all_rows():
        assert row.allow <= set(ACTORS), (row.route, row.allow - set(ACTORS))
        assert set(row.verbs) <= set(VERBS), (row.route, row.verbs)


def fill(route: str, values: dict) -> str:
    def value(match: re.Match) -> str:
        return str(values[match.group(1)])

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    return "/" + path


def url_of(row: Row, world) -> str:
    if callable(row.url):
        return row.url(world)
    if row.url:
        return row.url
    return fill(row.route, row.kwargs(world) if row.kwargs else {})


def call(client, verb: str, url: str, row: Row, world):
    """One request, its effects rolled back so that every cell sees the same world."""
    body = row.data(world) if row.data else {}
    headers = row.extra.get("headers", {})
    cookies = client.cookies.__class__(client.cookies)  # a sign-out must not stick either
    with transaction.atomic() if row.atomic else contextlib.nullcontext():
        if row.json:
            response = client.generic(
                verb, url, json.dumps(body or {}), content_type="application/json", headers=headers
            )
        elif verb in ("GET", "HEAD"):
            response = client.generic(verb, url)
        else:
            from urllib.parse import urlencode

            response = client.generic(
                verb, url, urlencode(body), content_type="application/x-www-form-urlencoded"
            )
        if row.atomic:
            transaction.set_rollback(True)
    client.cookies = cookies
    return response


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status in REFUSED:
        return "refused"
    if status in (301, 302, 303) and "login" in response.get("Location", ""):
        return "refused"
    if status == 405:
        return "405"
    return "allowed"


def test_authorization_matrix(demo, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    clients = Clients(world)
    rows = all_rows()
    departments = {row.department for row in rows}
    for department in departments:  # sign everyone in before the rows look for sessions
        for actor in ACTORS:
            clients.client(actor, department)
    failures: list[str] = []
    cells = 0
    for row in rows:
        url = url_of(row, world)
        for verb in row.verbs:
            for actor in ACTORS:
                try:
                    response = call(clients.client(actor, row.department), verb, url, row, world)
                    got = outcome(response)
                except Exception as error:  # a view that raised: a 500 in production
                    got, response = f"error {type(error).__name__}: {error}", None
                if row.route == "readyz" and got == "error 503":
                    got = "allowed"  # no task worker in this test: "not ready" is its answer
                if row.signs_out and actor != "anonymous" and response.status_code == 302:
                    got = "allowed"  # ending every session of one's own signs out
                cells += 1
                expected = "allowed" if actor in row.allow else "refused"
                if got != expected:
                    status = response.status_code if response is not None else "-"
                    failures.append(
                        f"{verb} {url} ({row.route}) as {actor}: expected {expected}, "
                        f"got {got} [{status}]"
                    )
        # Verbs the endpoint does not serve: 405 for an actor who may use it.
        allowed_actor = next((a for a in ACTORS if a in row.allow), None)
        served = set(row.verbs) | ({"GET"} if "POST" in row.verbs else set())
        if allowed_actor is None or row.any_verb:
            continue
        for verb in sorted(set(VERBS) - served - {"HEAD"}):
            if any(verb in other.verbs for other in rows if other.route == row.route):
                continue
            response = call(clients.client(allowed_actor, row.department), verb, url, row, world)
            cells += 1
            if response.status_code != 405:
                failures.append(
                    f"{verb} {url} ({row.route}) as {allowed_actor}: expected 405, "
                    f"got {response.status_code}"
                )
    assert cells > 1000
    assert not failures, f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures)


@pytest.mark.parametrize("actor", ACTORS)
def test_actor_names_are_documented(actor):
    from tests.security import matrix

    assert actor in matrix.__doc__
