"""Task-worker liveness: heartbeats written by `tongban worker`, read by /readyz."""

import datetime
import os
import socket

from django.conf import settings
from django.utils import timezone

from tongban.core.models import WorkerHeartbeat


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": timezone.now(),
        },
    )


def live_workers() -> int:
    """Workers seen within `TONGBAN_WORKER_STALE_SECONDS`."""
    since = timezone.now() - datetime.timedelta(seconds=settings.TONGBAN_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen__gte=since).count()


def requeue_orphaned_tasks() -> list[str]:
    """Hand back to the queue every task claimed by a worker that has stopped beating.

    django-tasks-db marks a task RUNNING when a worker claims it and leaves it so if the
    worker dies (kill -9, lost machine): the task would never run. A task whose claiming worker
    has not beaten within `TONGBAN_WORKER_STALE_SECONDS`, and which has run at least that long,
    is READY again, so tasks run at least once; every task must therefore be safe to run twice
    (docs/decisions/0009). Returns the ids handed back."""
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - datetime.timedelta(seconds=settings.TONGBAN_WORKER_STALE_SECONDS)
    live = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("worker_id", flat=True)
    )
    requeued = []
    for task_id, worker_ids, started in DBTaskResult.objects.filter(
        status="RUNNING", started_at__lt=since
    ).values_list("id", "worker_ids", "started_at"):
        if worker_ids and worker_ids[-1] in live:
            continue
        # Compare and set: only if it is still the same orphaned claim.
        if DBTaskResult.objects.filter(id=task_id, status="RUNNING", started_at=started).update(
            status="READY", started_at=None
        ):
            requeued.append(str(task_id))
    return requeued


def requeue_own_tasks(worker_id: str) -> list[str]:
    """Hand back the tasks this worker claimed and could not finish (the database went away
    while it ran one, so neither its result nor its failure could be written)."""
    from django_tasks_db.models import DBTaskResult

    requeued = []
    for task_id, worker_ids in DBTaskResult.objects.filter(status="RUNNING").values_list(
        "id", "worker_ids"
    ):
        if worker_ids and worker_ids[-1] == worker_id:
            DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
                status="READY", started_at=None
            )
            requeued.append(str(task_id))
    return requeued
