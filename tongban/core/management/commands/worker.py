"""`tongban worker`: the django-tasks-db worker, plus a heartbeat and the periodic jobs.

Takes every option of `db_worker`. A background thread writes this worker's heartbeat
(read by /readyz) and enqueues periodic jobs that are due."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from tongban.core.periodic import enqueue_due_jobs
from tongban.core.workers import beat, requeue_orphaned_tasks

logger = logging.getLogger("tongban.worker")


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
            return super().handle(*args, **options)
        finally:
            stop.set()

    def heartbeat_loop(self, worker_id, started_at, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                close_old_connections()
                beat(worker_id, started_at)
                for task_id in requeue_orphaned_tasks():
                    logger.warning("task of a stopped worker requeued", extra={"task": task_id})
                enqueue_due_jobs()
            except Exception:
                logger.exception("heartbeat failed", extra={"worker_id": worker_id})
            finally:
                connection.close()
            stop.wait(settings.TONGBAN_WORKER_HEARTBEAT_SECONDS)
