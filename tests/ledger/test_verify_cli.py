"""`tongban ledger verify --url` checks a running server over HTTP and trusts nothing: it
passes on an honest ledger, and fails on a wrong key, a rewritten history or an altered
entry. `tongban ledger audit` reports through its exit status."""

import os

import pytest
from django.db import connection

from tests.conftest import run_tongban
from tests.ledger.conftest import as_attacker, record, seal
from tongban.core.models import Event
from tongban.ledger import append_only
from tongban.ledger.models import Checkpoint, Entry, Log, Node
from tongban.ledger.notes import NoteKey

pytestmark = pytest.mark.django_db(transaction=True)


def verify(live_server, child_env, *extra):
    return run_tongban("ledger", "verify", "--url", live_server.url, *extra, env=child_env)


def test_an_honest_ledger_verifies_and_keeps_verifying_as_it_grows(
    live_server, child_env, tmp_path
):
    record(30)
    seal(batch_size=8)
    state = tmp_path / "checkpoint.txt"
    first = verify(live_server, child_env, "--state", str(state), "--sample", "10")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "consistent: the tree of 8 is a prefix of the tree of 30" in first.stdout
    assert "entries proven included" in first.stdout
    assert "keys taken from the server itself" in first.stdout
    assert state.read_text().startswith("tongban.localhost/ledger\n30\n")

    record(7)
    seal()
    key = run_tongban("ledger", "status", env=child_env).stdout.split("key          ")[1]
    second = verify(live_server, child_env, "--state", str(state), "--key", key.split()[0])
    assert second.returncode == 0, second.stdout + second.stderr
    assert "the tree of 30 is a prefix of the tree of 37" in second.stdout
    assert "keys taken from the server" not in second.stdout


def test_a_checkpoint_signed_by_another_key_is_refused(live_server, child_env):
    record(3)
    seal()
    stranger = NoteKey("tongban.localhost/ledger", "Ed25519", os.urandom(32)).vkey
    result = verify(live_server, child_env, "--key", stranger)
    assert result.returncode == 1
    assert "no trusted key signed the note" in result.stdout


def test_a_rewritten_history_is_caught_by_whoever_kept_a_checkpoint(
    live_server, child_env, tmp_path
):
    record(10)
    seal()
    state = tmp_path / "checkpoint.txt"
    assert verify(live_server, child_env, "--state", str(state)).returncode == 0

    # The operator (holding the signing key) throws the log away, alters an event and seals
    # again: every new checkpoint is validly signed, but the history is not the same.
    with append_only.suspended(connection):
        for model in (Entry, Node, Checkpoint, Log):
            model.objects.all().delete()
    with as_attacker() as cursor:
        cursor.execute(
            "UPDATE core_event SET actor = 'identity.account:8' WHERE id = %s",
            [Event.objects.order_by("id").first().id],
        )
    record(2)
    seal()
    result = verify(live_server, child_env, "--state", str(state))
    assert result.returncode == 1
    assert "history was rewritten" in result.stdout


def test_an_altered_entry_is_caught_by_the_sample(live_server, child_env):
    record(5)
    seal()
    with as_attacker() as cursor:
        cursor.execute("""UPDATE ledger_entry SET leaf = REPLACE(leaf, '"n":0', '"n":9')""")
    result = verify(live_server, child_env, "--sample", "5")
    assert result.returncode == 1
    assert "entry 0" in result.stdout


def test_audit_reports_through_its_exit_status(child_env):
    record(20)
    seal()
    clean = run_tongban("ledger", "audit", env=child_env)
    assert clean.returncode == 0 and "everything recomputes" in clean.stdout
    with as_attacker() as cursor:
        cursor.execute("UPDATE ledger_node SET hash = %s", [b"\0" * 32])
    broken = run_tongban("ledger", "audit", env=child_env)
    assert broken.returncode == 1
    assert "holds a wrong hash" in broken.stdout
