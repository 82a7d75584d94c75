"""Background work of the intake (run by `tongban worker`)."""

from django_tasks import task

from tongban.intake import services


@task()
def watch_deadlines() -> dict:
    """Periodic (every 15 minutes, apps.py): deadline warnings and escalations."""
    return services.watch_deadlines()
