"""Triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the ledger's tables."""

from django.db import migrations


def install(apps, schema_editor):
    from tongban.ledger import append_only

    append_only.install(schema_editor.connection)


def remove(apps, schema_editor):
    from tongban.ledger import append_only

    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
