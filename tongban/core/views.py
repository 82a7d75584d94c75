"""Operational probes for load balancers and orchestrators."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tongban.core.workers import live_workers


@never_cache
@require_safe
def healthz(request):
    """The process is up and answering (no dependencies checked)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Ready for traffic: the database answers and a task worker beat within the last minute."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["worker"] = "ok" if live_workers() else "no heartbeat in the last minute"
    except Exception:  # any database failure means "not ready", never a 500
        checks["database"] = "unreachable"
        checks["worker"] = "unknown"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
