import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

SEAL_EVERY = datetime.timedelta(seconds=10)


class LedgerConfig(AppConfig):
    name = "tongban.ledger"
    label = "ledger"
    verbose_name = _("Tamper-evident ledger")

    def ready(self) -> None:
        from tongban.core.periodic import register_periodic_job
        from tongban.core.receipts import register_receipt_lookup
        from tongban.ledger import selectors, tasks

        # Every worker's heartbeat enqueues the sealing at most once per slot; a run seals
        # until the outbox is drained, signing a checkpoint after each batch.
        register_periodic_job("ledger.seal", every=SEAL_EVERY, task=tasks.seal_ledger)
        register_receipt_lookup(selectors.receipts_for)
