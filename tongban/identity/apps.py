from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "tongban.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self):
        from tongban.identity import policies, sessions  # noqa: F401  (rules, signal handlers)
