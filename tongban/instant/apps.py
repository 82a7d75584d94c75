from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstantConfig(AppConfig):
    name = "tongban.instant"
    label = "instant"
    verbose_name = _("Instant approval")

    def ready(self):
        from tongban.instant import policies  # noqa: F401  (rules)
