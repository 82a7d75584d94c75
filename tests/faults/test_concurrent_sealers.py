"""(e) Two task workers seal at once while events keep committing: the advisory lock makes
them take turns, and every committed event is in the log exactly once, in one gap-free order
that `tongban ledger audit` recomputes."""

import threading
import time

import psycopg
import pytest
from django_tasks_db.models import DBTaskResult

from tests.faults.harness import (
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    enqueue_sealing,
    platform,
)
from tongban.core.models import Event

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def keep_committing(stop: threading.Event, committed: list[int]) -> None:
    """Small transactions of outbox events, one after another, as requests commit them."""
    table = Event._meta.db_table
    with psycopg.connect(database_url(), autocommit=True) as writer:
        while not stop.is_set():
            rows = writer.execute(
                f"INSERT INTO {table} (kind, subject_type, subject_id, payload, "  # noqa: S608
                "actor, on_behalf_of, request_id, occurred_at) SELECT 'test.fault', "
                "'test.thing', g::text, '{}'::jsonb, 'system:test', '', '', now() "
                "FROM generate_series(1, 20) g RETURNING id"
            ).fetchall()
            committed.extend(row[0] for row in rows)


def test_two_workers_sealing_at_once_seal_each_event_once():
    with platform(database_url(), webs=0, workers=2) as running:
        stop, committed = threading.Event(), []
        writer = threading.Thread(target=keep_committing, args=(stop, committed))
        writer.start()
        try:
            for _ in range(5):
                # Several seal runs queued together: both workers take one at once.
                for _ in range(4):
                    enqueue_sealing()
                while DBTaskResult.objects.filter(status="READY").exists():
                    time.sleep(0.05)
        finally:
            stop.set()
            writer.join(timeout=30)
        assert len(committed) > 100
        assert_sealed_exactly_once()
        sealers = DBTaskResult.objects.filter(
            task_path="tongban.ledger.tasks.seal_ledger", status="SUCCESSFUL"
        ).values_list("worker_ids", flat=True)
        assert len({ids[-1] for ids in sealers}) == 2, "both workers sealed"
        assert running.running(), running.output()
    assert_no_task_lost()
