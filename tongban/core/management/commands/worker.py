"""`tongban worker`: the django-tasks-db worker, plus a heartbeat and the periodic jobs.

Takes every option of `db_worker`. A background thread writes this worker's heartbeat
(read by /readyz), hands back tasks of workers that died, and enqueues periodic jobs that are
due. The worker outlives the database: when PostgreSQL restarts or the network drops, it waits
and reconnects instead of exiting (docs/operations.md, "Faults and recovery")."""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from tongban.core.periodic import enqueue_due_jobs
from tongban.core.workers import beat, requeue_orphaned_tasks, requeue_own_tasks

logger = logging.getLogger("tongban.worker")

# Waits between attempts while the database is unreachable (seconds; the last one repeats).
RECONNECT_DELAYS = (0.5, 1, 2, 5)
# After this long without a database error, the next one starts the waits afresh.
HEALTHY_SECONDS = 60


class Command(DbWorkerCommand):
    help = "Run a task worker with a heartbeat and periodic jobs."

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        started_at = timezone.now()
        stop = threading.Event()
        thread = threading.Thread(
            target=self.heartbeat_loop,
            args=(worker_id, started_at, stop),
            name="tongban-heartbeat",
            daemon=True,
        )
        thread.start()
        try:
            return self.run_reconnecting(worker_id, args, options)
        finally:
            stop.set()

    def run_reconnecting(self, worker_id, args, options):
        failures = 0
        while True:
            began = time.monotonic()
            try:
                if failures:
                    for task_id in requeue_own_tasks(worker_id):
                        logger.warning("interrupted task requeued", extra={"task": task_id})
                return super().handle(*args, **options)
            except DatabaseError as exc:
                failures = 1 if time.monotonic() - began > HEALTHY_SECONDS else failures + 1
                logger.warning(
                    "database unavailable, reconnecting: %s",
                    type(exc).__name__,
                    extra={"worker_id": worker_id},
                )
                with contextlib.suppress(Exception):
                    connection.close()
                time.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS)) - 1])

    def heartbeat_loop(self, worker_id, started_at, stop: threading.Event) -> None:
        while not stop.is_set():
            wait = settings.TONGBAN_WORKER_HEARTBEAT_SECONDS
            try:
                close_old_connections()
                beat(worker_id, started_at)
                for task_id in requeue_orphaned_tasks():
                    logger.warning("task of a stopped worker requeued", extra={"task": task_id})
                enqueue_due_jobs()
            except Exception:
                logger.exception("heartbeat failed", extra={"worker_id": worker_id})
                # Beat again soon: /readyz reports the worker missing until it does.
                wait = RECONNECT_DELAYS[-1]
            finally:
                connection.close()
            stop.wait(wait)
