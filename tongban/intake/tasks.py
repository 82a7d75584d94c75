"""Background work of the intake (run by `tongban worker`)."""

from django_tasks import task

from tongban.intake import services


@task()
def watch_deadlines() -> dict:
    """Periodic (every 15 minutes, apps.py): deadline warnings and escalations."""
    return services.watch_deadlines()


@task()
def start_undecided_reviews() -> int:
    """Periodic (every minute, apps.py): instant-capable submissions left without a decision
    or a review process (the request died after the submission committed) get their review."""
    from tongban.intake import instant_path

    return instant_path.start_undecided_reviews()


@task()
def sweep_files() -> dict:
    """Periodic (hourly, apps.py): stored files no row refers to, older than the setting."""
    return services.sweep_files()


@task()
def send_delivery(delivery_id: int) -> bool:
    """An applicant's email and text, enqueued with the change it tells about."""
    from tongban.intake.notifications import send

    return send(delivery_id)


@task()
def resend_deliveries() -> int:
    """Periodic (every 5 minutes, apps.py): deliveries still unsent after a while (the mail
    server was down, or their task failed) are tried again."""
    from tongban.intake.notifications import resend_unsent

    return resend_unsent()
