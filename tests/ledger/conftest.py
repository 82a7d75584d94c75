"""Helpers for the ledger tests: committed events, sealing until done, and an attacker who
edits the tables directly, around the append-only triggers."""

import contextlib
import time

import pytest
from django.db import connection, transaction

from tongban.core.events import record_event
from tongban.core.models import Event
from tongban.ledger import append_only, keys, services
from tongban.ledger.models import Entry


@pytest.fixture(autouse=True)
def _fresh_keys():
    keys.reset_key_cache()
    yield
    keys.reset_key_cache()


def record(count: int, *, kind: str = "test.happened", payload=None) -> list[Event]:
    """`count` events, each committed in its own transaction, as services write them."""
    events = []
    for i in range(count):
        with transaction.atomic():
            events.append(
                record_event(
                    kind,
                    subject=("test.thing", str(i)),
                    actor="identity.account:7",
                    payload={"n": i} if payload is None else payload,
                )
            )
    return events


def settled(timeout: float = 300) -> None:
    """Wait until every event committed so far can be sealed.

    On PostgreSQL an event becomes sealable once no transaction older than its own is still
    open in this database (`services.sealing_horizon`); SQLite has nothing to wait for."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    while True:
        newest = Event.objects.order_by("-txid").values_list("txid", flat=True).first()
        if newest is None or newest < services.sealing_horizon():
            return
        if time.monotonic() > deadline:
            pytest.fail(f"another session kept a transaction open for {timeout} s")
        time.sleep(0.05)


def seal(**options) -> services.SealResult:
    """Seal everything committed so far, exactly as the worker would."""
    settled()
    return services.seal_pending_events(**options)


def seal_all(*, expected: int | None = None, timeout: float = 300, **options) -> int:
    """Seal until `expected` entries exist (or, without it, until a run seals nothing).

    On PostgreSQL an event is sealed only once every older transaction on the server has
    finished; another session's open transaction delays sealing, so wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        services.seal_pending_events(**options)
        count = Entry.objects.count()
        if expected is None or count >= expected:
            return count
        if time.monotonic() > deadline:
            pytest.fail(f"only {count} of {expected} events sealed within {timeout} s")
        time.sleep(0.2)


@contextlib.contextmanager
def as_attacker():
    """Write to the ledger's tables the way someone with database access would: around the
    triggers (SQLite: drop them; PostgreSQL: replica mode turns user triggers off)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
        return
    append_only.remove(connection)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            yield cursor
    finally:
        append_only.install(connection)


@pytest.fixture(autouse=True)
def _empty_outbox(db):
    """Start every ledger test from an empty outbox: migrating (and flushing between
    transactional tests) installs the shipped BPMN processes, whose upload events would
    otherwise shift every index these tests count."""
    Event.objects.all().delete()
