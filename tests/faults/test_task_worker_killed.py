"""(b) The task worker is killed (-9) while it seals a ledger batch: the batch's transaction
dies with it (no entry without its checkpoint), the sealing lock is released, and the next
worker seals the same events exactly once. The task it was running is not lost: once the dead
worker's heartbeat is stale, its claimed task is handed back to the queue."""

import datetime
import os
import signal
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.faults.harness import (
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    enqueue_sealing,
    platform,
    wait_for,
)
from tongban.core.models import Event, WorkerHeartbeat
from tongban.ledger.models import Checkpoint, Entry
from tongban.ledger.services import SEALING_LOCK

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

EVENTS = 20_000


def add_events(count: int) -> None:
    """`count` committed outbox events at once (one transaction), as a busy day leaves them."""
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, subject_type, subject_id, payload, actor, "  # noqa: S608
            "on_behalf_of, request_id, occurred_at) SELECT 'test.fault', 'test.thing', "
            "g::text, '{}'::jsonb, 'system:test', '', '', now() FROM generate_series(1, %s) g",
            [count],
        )


def sealer_backend() -> int | None:
    """The PostgreSQL backend that holds the sealing lock right now, if any."""
    with psycopg.connect(database_url(), autocommit=True) as probe:
        row = probe.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = %s AND objsubid = 1",
            [SEALING_LOCK >> 32, SEALING_LOCK & 0xFFFFFFFF],
        ).fetchone()
    return row[0] if row else None


def test_killing_the_worker_mid_batch_seals_every_event_once():
    add_events(EVENTS)
    with platform(database_url(), workers=0) as running:
        kills = 0
        while kills < 2:
            worker = running.start_worker()
            enqueue_sealing()
            # Wait until it holds the sealing lock with part of the backlog sealed, then kill.
            wait_for(sealer_backend, timeout=30, step=0.005, what="the worker sealing")
            time.sleep(0.05 * kills)
            before = Entry.objects.count()
            if before >= EVENTS:
                break
            os.kill(running.workers[worker].pid, signal.SIGKILL)
            running.kill_worker(worker)
            kills += 1
            # The dead worker's transaction is rolled back: no entry without its checkpoint.
            wait_for(lambda: sealer_backend() is None, timeout=30, what="the lock released")
            latest = Checkpoint.objects.order_by("-tree_size").first()
            assert Entry.objects.count() == (latest.tree_size if latest else 0)
        assert kills == 2, "the backlog was sealed before the worker could be killed"
        # A minute later (the clock moved on here) the killed workers' heartbeats are stale:
        # the next worker hands their claimed tasks back to the queue and runs them.
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        WorkerHeartbeat.objects.update(last_seen=an_hour_ago)
        orphans = DBTaskResult.objects.filter(status="RUNNING")
        assert DBTaskResult.objects.filter(status__in=["RUNNING", "READY"]).exists()
        orphans.update(started_at=an_hour_ago)
        running.start_worker()
        assert_sealed_exactly_once(timeout=90, cli=True)
        wait_for(
            lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(),
            timeout=30,
            what="every claimed task finished",
        )
    assert_no_task_lost()


def deadline_warnings() -> int:
    with psycopg.connect(database_url(), autocommit=True) as probe:
        return probe.execute(
            f"SELECT count(*) FROM {Event._meta.db_table} "  # noqa: S608
            "WHERE kind = 'intake.application.deadline_warning'"
        ).fetchone()[0]


def test_killing_the_worker_mid_notifications_loses_and_doubles_none(applicants):
    """The worker sends deadline warnings (a message to each approver, an event, the case
    marked — one transaction per case) and is killed half-way: its task is handed back, the
    rest are warned, none twice."""
    from tongban.catalog.models import MatterVersion
    from tongban.intake import services
    from tongban.intake.models import Application, Message

    (applicant,) = applicants(1)
    first = services.apply(
        actor=applicant.account,
        version=MatterVersion.objects.get(pk=applicant.version_id),
        form_data={"child_name": "张小宝", "child_gender": "男"},
        idempotency_key="deadline-template",
    ).application
    copies = []
    for i in range(399):  # more cases due today, copied from the real one
        copy = Application.objects.get(pk=first.pk)
        copy.pk = copy.id = None
        copy.number = f"{first.number[:-6]}{i:06d}"
        copies.append(copy)
    Application.objects.bulk_create(copies)
    cases = Application.objects.exclude(number="")
    cases.update(due_on=timezone.localdate(), warned_on=None, escalated_on=None)
    total = cases.count()
    assert total == 400
    with platform(database_url(), webs=0, workers=0) as running:
        worker = running.start_worker(wait=False)  # its first heartbeat enqueues the job
        wait_for(lambda: deadline_warnings() > 0, timeout=60, step=0.005, what="warnings sent")
        warned = deadline_warnings()
        os.kill(running.workers[worker].pid, signal.SIGKILL)
        running.kill_worker(worker)
        assert 0 < warned < total, "the run ended before the worker could be killed"
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        WorkerHeartbeat.objects.update(last_seen=an_hour_ago)
        DBTaskResult.objects.filter(status="RUNNING").update(started_at=an_hour_ago)
        running.start_worker()
        wait_for(
            lambda: deadline_warnings() >= total, timeout=60, step=0.2, what="every case warned"
        )
        wait_for(
            lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(),
            timeout=30,
            what="every claimed task finished",
        )
    assert deadline_warnings() == total
    per_case = Message.objects.filter(kind="deadline_warning").values("application").distinct()
    assert per_case.count() == total
    approvers = Message.objects.filter(kind="deadline_warning", application=first).count()
    assert approvers >= 1
    assert Message.objects.filter(kind="deadline_warning").count() == total * approvers
    assert not Application.objects.filter(warned_on__isnull=True).exclude(number="").exists()
    assert_no_task_lost()
