import datetime

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "tongban.workflow"
    label = "workflow"
    verbose_name = _("Processes and decisions")

    def ready(self) -> None:
        from tongban.core.periodic import register_periodic_job
        from tongban.workflow import policies  # noqa: F401  (registers the rules)
        from tongban.workflow.shipped import install_shipped_processes
        from tongban.workflow.tasks import fire_due_timers

        register_periodic_job(
            "workflow.fire_due_timers", every=datetime.timedelta(seconds=30), task=fire_due_timers
        )
        post_migrate.connect(install_shipped_processes, sender=self)
