"""Commit order with concurrent writers on PostgreSQL, where a later sequence id can commit
before an earlier one: such an event is neither skipped nor sealed before the transactions
that could still commit ahead of it have finished (docs/decisions/0031)."""

import datetime

import psycopg
import pytest
from django.db import connection

from tests.conftest import child_database_url
from tests.ledger.conftest import record, seal_all
from tongban.ledger import audit, services
from tongban.ledger.models import Entry

pytestmark = pytest.mark.django_db(transaction=True)

INSERT_EVENT = """
INSERT INTO core_event (kind, subject_type, subject_id, payload, actor, on_behalf_of,
                        request_id, occurred_at)
VALUES (%s, 'test.thing', %s, '{}', 'user:1', '', '', %s)
RETURNING id, txid
"""


@pytest.fixture
def writers():
    """Two independent sessions, each inside its own open transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: its ids are commit order")
    sessions = [psycopg.connect(child_database_url()) for _ in range(2)]
    yield sessions
    for session in sessions:
        session.close()


def write(session, label: str) -> tuple[int, int]:
    now = datetime.datetime.now(datetime.UTC)
    return session.execute(INSERT_EVENT, (label, label, now)).fetchone()


def sealed_kinds() -> list[str]:
    leaves = Entry.objects.order_by("index").values_list("event__kind", flat=True)
    return list(leaves)


def test_a_later_id_that_commits_first_waits_for_the_earlier_one(writers):
    early, late = writers
    record(1, kind="before")
    early_id, early_txid = write(early, "early")
    late_id, late_txid = write(late, "late")
    assert early_id < late_id and early_txid < late_txid
    late.commit()  # the later id commits first

    # A sealer following ids would seal "late" now and skip "early" for ever.
    services.seal_pending_events()
    assert "late" not in sealed_kinds()

    early.commit()
    seal_all(expected=3)
    assert sealed_kinds() == ["before", "early", "late"]
    assert audit.audit_ledger().ok


def test_transactions_are_sealed_in_the_order_they_began_writing(writers):
    first, second = writers
    # `first` starts writing (it gets its transaction id) before `second` ...
    first.execute("SELECT pg_current_xact_id()")
    second_id, _ = write(second, "second")
    # ... but takes its event id after `second`, and commits last.
    first_id, _ = write(first, "first")
    assert second_id < first_id
    second.commit()
    services.seal_pending_events()
    assert sealed_kinds() == []  # `first` could still commit ahead of `second`
    first.commit()
    seal_all(expected=2)
    # Neither transaction saw the other: ordered by when each began writing, both once.
    assert sealed_kinds() == ["first", "second"]


def test_a_rolled_back_concurrent_transaction_leaves_no_gap_and_blocks_nothing(writers):
    kept, dropped = writers
    write(dropped, "dropped")
    write(kept, "kept")
    kept.commit()
    dropped.rollback()
    seal_all(expected=1)
    assert sealed_kinds() == ["kept"]
    record(2, kind="after")
    seal_all(expected=3)
    assert sealed_kinds() == ["kept", "after", "after"]
    assert list(Entry.objects.values_list("index", flat=True)) == [0, 1, 2]


def test_a_transaction_open_in_another_database_does_not_hold_sealing_back(writers):
    elsewhere = psycopg.connect(child_database_url().rsplit("/", 1)[0] + "/postgres")
    try:
        elsewhere.execute("SELECT pg_current_xact_id()")  # an old, open transaction elsewhere
        record(3)
        services.seal_pending_events()
        assert Entry.objects.count() == 3
    finally:
        elsewhere.close()
