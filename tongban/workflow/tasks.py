"""Background work of the workflow layer (run by `tongban worker`)."""

from django_tasks import task

from tongban.workflow import services


@task()
def fire_due_timers() -> int:
    """Periodic: fire BPMN timers that fell due (registered every 30 s in apps.py)."""
    return services.fire_due_timers()
