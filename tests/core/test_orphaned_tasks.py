"""A task claimed by a worker that died (kill -9) is handed back to the queue once that
worker's heartbeat is stale — and only then (regression: it stayed RUNNING for ever)."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.core.sample_tasks import add
from tongban.core.workers import beat, requeue_orphaned_tasks

pytestmark = pytest.mark.django_db


def claimed(worker_id: str, *, minutes_ago: float) -> DBTaskResult:
    task = DBTaskResult.objects.get(id=add.enqueue(1, 2).id)
    task.claim(worker_id)
    DBTaskResult.objects.filter(id=task.id).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return task


def test_a_dead_workers_task_is_requeued_a_live_workers_is_not():
    now = timezone.now()
    beat("alive", now)
    beat("dead", now)
    from tongban.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id="dead").update(
        last_seen=now - datetime.timedelta(minutes=5)
    )
    of_dead = claimed("dead", minutes_ago=5)
    of_alive = claimed("alive", minutes_ago=5)
    of_unknown = claimed("never-beat", minutes_ago=5)
    just_claimed = claimed("also-never-beat", minutes_ago=0)

    assert sorted(requeue_orphaned_tasks()) == sorted([str(of_dead.id), str(of_unknown.id)])
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[of_dead.id] == statuses[of_unknown.id] == "READY"
    assert statuses[of_alive.id] == statuses[just_claimed.id] == "RUNNING"
    assert DBTaskResult.objects.ready().filter(id=of_dead.id).exists()
    assert requeue_orphaned_tasks() == []  # once
