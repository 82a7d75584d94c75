import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tongban.intake"
    label = "intake"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from tongban.core.periodic import register_periodic_job
        from tongban.intake import policies  # noqa: F401  (registers the rules)
        from tongban.intake.tasks import watch_deadlines

        register_periodic_job(
            "intake.watch_deadlines", every=datetime.timedelta(minutes=15), task=watch_deadlines
        )
