from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tongban.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self):
        from tongban.exchange import policies, tasks  # noqa: F401  (rules and periodic jobs)
