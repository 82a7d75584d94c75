"""Background jobs of the exchange, registered as periodic jobs when the app loads."""

import datetime

from django.utils import timezone
from django_tasks import task

from tongban.core.periodic import register_periodic_job
from tongban.exchange.models import RateWindow

KEEP_RATE_WINDOWS = datetime.timedelta(hours=1)


@task()
def check_data_quality() -> int:
    """Check every registry in service (daily)."""
    from tongban.exchange.quality import check_all_registries

    return len(check_all_registries())


@task()
def escalate_overdue_requests() -> int:
    """Escalate grant and correction requests past their working-day deadline (hourly)."""
    from tongban.exchange.services import escalate_overdue

    return escalate_overdue()


@task()
def forget_old_rate_windows() -> int:
    """Drop rate-limit counters older than an hour (hourly)."""
    minute = int((timezone.now() - KEEP_RATE_WINDOWS).timestamp() // 60)
    deleted, _by_model = RateWindow.objects.filter(minute__lt=minute).delete()
    return deleted


register_periodic_job(
    "exchange.check_data_quality", every=datetime.timedelta(days=1), task=check_data_quality
)
register_periodic_job(
    "exchange.escalate_overdue_requests",
    every=datetime.timedelta(hours=1),
    task=escalate_overdue_requests,
)
register_periodic_job(
    "exchange.forget_old_rate_windows",
    every=datetime.timedelta(hours=1),
    task=forget_old_rate_windows,
)
