from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = _("E-licences")

    def ready(self):
        from tongban.licences import policies  # noqa: F401  (registers the rules)
