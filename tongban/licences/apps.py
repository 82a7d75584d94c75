from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = _("E-licences")

    def ready(self):
        from tongban.exchange.sources import register_source
        from tongban.licences import (
            policies,  # noqa: F401  (registers the rules)
            sharing,
        )

        # Licences are a data source of the exchange gateway (the exchange may not import us).
        register_source(sharing.SOURCE, sharing.licence_record)
