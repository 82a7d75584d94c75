"""The ledger's tables refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) from the
platform's own code, on both databases; emptying the whole database still works."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests.ledger.conftest import record, seal
from tongban.ledger import append_only
from tongban.ledger.models import Checkpoint, Entry, Log, Node

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sealed():
    record(20)
    seal()


@pytest.mark.parametrize(
    "change",
    [
        lambda: Entry.objects.filter(index=3).update(leaf="{}"),
        lambda: Entry.objects.filter(index=19).delete(),
        lambda: Node.objects.update(hash=b"\0" * 32),
        lambda: Node.objects.all().delete(),
        lambda: Checkpoint.objects.update(tree_size=1),
        lambda: Checkpoint.objects.all().delete(),
        lambda: Log.objects.update(origin="elsewhere.example/ledger"),
    ],
    ids=[
        "update-leaf",
        "delete-last-entry",
        "update-node",
        "delete-nodes",
        "update-checkpoint",
        "delete-checkpoints",
        "update-origin",
    ],
)
def test_changes_to_sealed_rows_are_refused(sealed, change):
    before = list(Entry.objects.values_list("index", "leaf")), Node.objects.count()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        change()
    after = list(Entry.objects.values_list("index", "leaf")), Node.objects.count()
    assert before == after
    assert Checkpoint.objects.count() == 2 or Checkpoint.objects.count() == 1


def test_truncate_is_refused_on_postgresql(sealed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_entry, ledger_node, ledger_checkpoint CASCADE")
    assert Entry.objects.count() == 20


def test_emptying_the_whole_database_works_and_keeps_the_triggers(sealed):
    call_command("flush", interactive=False, verbosity=0)
    assert not Entry.objects.exists()
    assert append_only.installed(connection)
    record(1)
    seal()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.all().delete()
