"""`tongban ledger audit` recomputes the log and finds an altered leaf, an altered node hash,
a deleted last entry, an altered outbox event and a forged checkpoint — changes made the way
an attacker with database access would, around the triggers — on both databases."""

import pytest
from django.db import connection

from tests.ledger.conftest import as_attacker, record, seal
from tongban.ledger import append_only
from tongban.ledger.audit import audit_ledger
from tongban.ledger.merkle import hasher_for
from tongban.ledger.models import Entry, Node

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ledger():
    record(37)
    seal(batch_size=16)
    report = audit_ledger()
    assert report.ok, report.problems
    assert (report.entries, report.nodes, report.checkpoints) == (37, 2, 3)


def problems() -> list[str]:
    report = audit_ledger()
    assert not report.ok
    return report.problems


def test_an_altered_leaf_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute(
            """UPDATE ledger_entry SET leaf = REPLACE(leaf, '"n":5', '"n":6') WHERE "index" = 5"""
        )
    found = problems()
    assert "entry 5: the leaf does not match its stored leaf hash" in found
    assert "entry 5: outbox event" in " ".join(found)
    assert any("recomputed root at size 16" in problem for problem in found)


def test_an_altered_leaf_with_a_matching_leaf_hash_is_still_found(ledger):
    """The attacker recomputes the leaf hash too; the signed roots still expose it."""
    entry = Entry.objects.get(index=20)
    forged = entry.leaf.replace('"n":20', '"n":21')
    with as_attacker() as cursor:
        cursor.execute(
            'UPDATE ledger_entry SET leaf = %s, leaf_hash = %s WHERE "index" = 20',
            [forged, hasher_for("intl").leaf(forged.encode())],
        )
    found = problems()
    assert not any("leaf hash" in problem for problem in found)
    assert any("recomputed root at size 32" in problem for problem in found)


def test_an_altered_node_hash_is_found(ledger):
    slot = Node.objects.order_by("slot").values_list("slot", flat=True).first()
    with as_attacker() as cursor:
        cursor.execute("UPDATE ledger_node SET hash = %s WHERE slot = %s", [b"\1" * 32, slot])
    assert problems() == [f"tree node {slot} holds a wrong hash"]


def test_a_deleted_last_entry_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute('DELETE FROM ledger_entry WHERE "index" = 36')
    assert problems() == [
        "a checkpoint covers 37 entries but the log holds 36: entries were removed"
    ]


def test_a_deleted_entry_in_the_middle_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute('DELETE FROM ledger_entry WHERE "index" = 9')
    assert "entry 9 is missing" in problems()


def test_an_altered_outbox_event_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute(
            "UPDATE core_event SET actor = 'identity.account:8' "
            'WHERE id = (SELECT event_id FROM ledger_entry WHERE "index" = 3)'
        )
    (problem,) = problems()
    assert problem.startswith("entry 3: outbox event") and problem.endswith("differs from the leaf")


def test_a_checkpoint_row_changed_without_its_signature_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute(
            "UPDATE ledger_checkpoint SET root_hash = %s WHERE tree_size = 16", [b"\2" * 32]
        )
    assert any("differs from its signed note" in problem for problem in problems())


def test_a_forged_checkpoint_signature_is_found(ledger):
    with as_attacker() as cursor:
        cursor.execute(
            "UPDATE ledger_checkpoint SET note = REPLACE(note, '\n37\n', '\n38\n') "
            "WHERE tree_size = 37"
        )
    assert any("does not verify" in problem for problem in problems())


def test_removed_triggers_are_reported(ledger):
    append_only.remove(connection)
    try:
        assert problems() == ["the append-only triggers are missing"]
    finally:
        append_only.install(connection)
