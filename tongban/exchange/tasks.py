"""Background jobs of the exchange, registered as periodic jobs when the app loads."""

import datetime

from django_tasks import task

from tongban.core.periodic import register_periodic_job


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


register_periodic_job(
    "exchange.check_data_quality", every=datetime.timedelta(days=1), task=check_data_quality
)
register_periodic_job(
    "exchange.escalate_overdue_requests",
    every=datetime.timedelta(hours=1),
    task=escalate_overdue_requests,
)
