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
