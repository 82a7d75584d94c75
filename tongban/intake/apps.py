import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tongban.intake"
    label = "intake"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from tongban.core.periodic import register_periodic_job
        from tongban.instant.services import register_review_handler
        from tongban.intake import policies  # noqa: F401  (registers the rules)
        from tongban.intake.instant_path import review_handler
        from tongban.intake.tasks import start_undecided_reviews, watch_deadlines

        register_review_handler(review_handler)

        register_periodic_job(
            "intake.watch_deadlines", every=datetime.timedelta(minutes=15), task=watch_deadlines
        )
        register_periodic_job(
            "intake.start_undecided_reviews",
            every=datetime.timedelta(minutes=1),
            task=start_undecided_reviews,
        )
