"""`tongban reencrypt`: rewrite every encrypted field with the current suite and data key.

Run after putting a new key first in TONGBAN_DATA_KEYS (or changing TONGBAN_CRYPTO_SUITE);
afterwards the old key can be removed. Rows are rewritten in batches, each in a transaction."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tongban.core import crypto
from tongban.core.fields import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt sensitive fields with the current crypto suite and data key."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *, batch, **options):
        total = 0
        for model, field in encrypted_fields():
            table, column = model._meta.db_table, field.column
            pk = model._meta.pk.column
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608  # nosec B608  # names quoted from model metadata; values are parameters
                    f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
                )
                rows = [
                    (key, token)
                    for key, token in cursor.fetchall()
                    if crypto.needs_reencryption(token)
                ]
            for start in range(0, len(rows), batch):
                with transaction.atomic():
                    for key, token in rows[start : start + batch]:
                        plain = crypto.decrypt_text(token, context=field.context)
                        model.objects.filter(pk=key).update(**{field.name: plain})
                total += len(rows[start : start + batch])
            self.stdout.write(f"  {model._meta.label}.{field.name}: {len(rows)} re-encrypted")
        self.stdout.write(f"reencrypt: {total} value(s) rewritten.")
