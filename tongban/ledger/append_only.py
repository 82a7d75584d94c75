"""Database triggers that keep the ledger's tables append-only, on PostgreSQL and SQLite.

They stop the platform's own code (an ORM `.update()`, an admin action, a bug) from changing
or removing a sealed row. They do not stop someone who can change the schema: such a person
can drop a trigger. That is what checkpoints are for — the audit and every holder of an
earlier checkpoint detect the change (docs/decisions/0032).

Emptying the whole database (`tongban flush`, which tests run between cases) is the one
deliberate exception: `suspended` removes the triggers around it."""

import contextlib

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("ledger_log", "ledger_entry", "ledger_node", "ledger_checkpoint")
MESSAGE = "the ledger is append-only"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _postgres_install(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ]


def _sqlite_install(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER "{table}_no_{verb.lower()}" BEFORE {verb} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {verb} on {table} refused'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def _names(connection: BaseDatabaseWrapper, table: str) -> list[tuple[str, str]]:
    if connection.vendor == "postgresql":
        return [(f"{table}_append_only", table), (f"{table}_no_truncate", table)]
    return [(f"{table}_no_update", table), (f"{table}_no_delete", table)]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (idempotent: existing ones are replaced)."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            statements = (
                _postgres_install(table)
                if connection.vendor == "postgresql"
                else _sqlite_install(table)
            )
            for statement in statements:
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for name, on_table in _names(connection, table):
                if connection.vendor == "postgresql":
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{on_table}"')
                else:
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def installed(connection: BaseDatabaseWrapper) -> bool:
    """True when every table has its triggers."""
    expected = {name for table in TABLES for name, _t in _names(connection, table)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return expected <= present


@contextlib.contextmanager
def suspended(connection: BaseDatabaseWrapper):
    """Remove the triggers for the duration (emptying the database), then put them back."""
    if not set(TABLES) <= set(connection.introspection.table_names()):
        yield
        return
    remove(connection)
    try:
        yield
    finally:
        install(connection)
