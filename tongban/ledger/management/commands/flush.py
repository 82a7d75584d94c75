"""`tongban flush`: Django's flush, with the ledger's append-only triggers lifted around it.

Emptying the whole database is the one deliberate removal of ledger rows (tests do it between
cases; an operator resetting a demo does it on purpose). The triggers are back afterwards."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from tongban.ledger import append_only


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with append_only.suspended(connection):
            return super().handle(**options)
