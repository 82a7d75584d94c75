import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tongban.intake"
    label = "intake"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from tongban.core.extensions import add_template
        from tongban.core.periodic import register_periodic_job
        from tongban.instant.services import register_review_handler
        from tongban.intake import policies  # noqa: F401  (registers the rules)
        from tongban.intake.instant_path import review_handler
        from tongban.intake.tasks import (
            resend_deliveries,
            start_undecided_reviews,
            sweep_files,
            watch_deadlines,
        )

        register_review_handler(review_handler)
        # 在线办理: the catalogue's guide and life-event pages link to the application form.
        add_template("catalog.guide_actions", "intake/_guide_actions.html")
        add_template("catalog.life_event_actions", "intake/_life_event_actions.html")
        register_periodic_job(
            "intake.watch_deadlines", every=datetime.timedelta(minutes=15), task=watch_deadlines
        )
        register_periodic_job(
            "intake.start_undecided_reviews",
            every=datetime.timedelta(minutes=1),
            task=start_undecided_reviews,
        )
        register_periodic_job(
            "intake.sweep_files", every=datetime.timedelta(hours=1), task=sweep_files
        )
        register_periodic_job(
            "intake.resend_deliveries",
            every=datetime.timedelta(minutes=5),
            task=resend_deliveries,
        )
