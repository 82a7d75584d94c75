"""The access log is append only. On PostgreSQL the database itself refuses UPDATE and DELETE
of its rows, so not even a bug or a stray query can rewrite who read whose data (TRUNCATE is a
table owner's privilege: the application's role in production must not own the table; tests
flush with it). SQLite has no such place for a guard that test flushes could pass, so there the
model and its queryset refuse instead (tongban.exchange.models.AccessLog)."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER exchange_accesslog_no_update BEFORE UPDATE ON exchange_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append only'); END",
]
POSTGRES = [
    "CREATE FUNCTION exchange_accesslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the access log is append only'; END $$",
    "CREATE TRIGGER exchange_accesslog_append_only BEFORE UPDATE OR DELETE ON exchange_accesslog "
    "FOR EACH ROW EXECUTE FUNCTION exchange_accesslog_append_only()",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS exchange_accesslog_no_update",
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS exchange_accesslog_append_only ON exchange_accesslog",
    "DROP FUNCTION IF EXISTS exchange_accesslog_append_only()",
]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements[schema_editor.connection.vendor]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
