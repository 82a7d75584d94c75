"""Sealing: every committed event reaches the log once, in commit order, in batches with a
signed checkpoint after each — also with two sealers at once and after a crash mid-batch."""

import datetime
import json
import signal
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from tests.conftest import ROOT, child_environment
from tests.ledger import reference
from tests.ledger.conftest import record, seal, seal_all, settled
from tongban.core.events import record_event
from tongban.core.models import Event
from tongban.ledger import audit, merkle, selectors, services
from tongban.ledger.keys import published_keys
from tongban.ledger.models import Checkpoint, Entry, Log, Node
from tongban.ledger.notes import open_note, parse_checkpoint

pytestmark = pytest.mark.django_db(transaction=True)


def sealed_event_ids() -> list[int]:
    return list(Entry.objects.order_by("index").values_list("event_id", flat=True))


def test_events_are_sealed_once_in_order_with_a_checkpoint_per_batch():
    events = record(23)
    result = seal(batch_size=10)
    assert (result.sealed, result.batches, result.tree_size) == (23, 3, 23)
    assert sealed_event_ids() == [event.id for event in events]
    assert list(Entry.objects.values_list("index", flat=True)) == list(range(23))
    sizes = list(Checkpoint.objects.order_by("id").values_list("tree_size", flat=True))
    assert sizes == [10, 20, 23]
    # Nothing twice: another run finds nothing to seal and signs nothing.
    assert seal().sealed == 0
    assert Checkpoint.objects.count() == 3
    assert audit.audit_ledger().ok


def test_each_checkpoint_signs_the_rfc_root_of_its_tree():
    record(40)
    seal(batch_size=17)
    leaves = [
        reference.leaf_hash(leaf.encode())
        for leaf in Entry.objects.order_by("index").values_list("leaf", flat=True)
    ]
    rfc = reference.ReferenceTree(leaves)
    log = selectors.current_log()
    for checkpoint in Checkpoint.objects.all():
        text, _keys = open_note(checkpoint.note, published_keys(log.origin))
        head = parse_checkpoint(text)
        assert head.size == checkpoint.tree_size
        assert head.root_hash == rfc.root(head.size) == bytes(checkpoint.root_hash)
    # Stored nodes are exactly the complete subtrees of 16 leaves: 40 // 16 = 2.
    assert Node.objects.count() == 2


def test_a_leaf_is_the_event_in_canonical_json():
    (event,) = record(1, payload={"decision": "approved", "fields": ["b", "a"], "n": 1.5})
    seal()
    leaf = Entry.objects.get(event=event).leaf
    assert json.loads(leaf) == {
        "v": 1,
        "event": event.id,
        "kind": "test.happened",
        "subject_type": "test.thing",
        "subject_id": "0",
        "actor": "identity.account:7",
        "on_behalf_of": "",
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "payload": {"decision": "approved", "fields": ["b", "a"], "n": 1.5},
    }
    assert leaf.startswith('{"actor":"identity.account:7","event":')
    assert " " not in leaf


def test_rolled_back_events_never_reach_the_log():
    class Boom(Exception):
        pass

    record(2)
    with pytest.raises(Boom), transaction.atomic():
        record_event("test.rolled_back", subject=("x", "1"), actor="user:1")
        raise Boom
    record(1)
    seal_all(expected=3)
    kinds = Entry.objects.values_list("leaf", flat=True)
    assert not any("test.rolled_back" in leaf for leaf in kinds)
    assert Entry.objects.count() == 3


def test_two_sealers_at_once_neither_fork_nor_duplicate_the_log():
    events = record(60)
    barrier = threading.Barrier(3)
    errors = []

    def sealer():
        try:
            barrier.wait()
            for _ in range(5):
                services.seal_pending_events(batch_size=7)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sealer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seal_all(expected=60)
    assert sealed_event_ids() == [event.id for event in events]
    report = audit.audit_ledger()
    assert report.ok, report.problems
    # Every checkpoint is a prefix of the final tree: no fork was ever signed.
    sizes = list(Checkpoint.objects.order_by("id").values_list("tree_size", flat=True))
    assert sizes == sorted(sizes)


CRASHING_SEALER = """
import os, signal, sys
import django
django.setup()
from tongban.ledger import services
def die(**kwargs):
    # Entries and nodes are written; the process dies before the batch commits.
    os.kill(os.getpid(), signal.SIGKILL)
services.sign_checkpoint = die
services.seal_pending_events(batch_size=int(sys.argv[1]))
"""


def test_a_sealer_killed_mid_batch_leaves_nothing_and_the_next_run_seals_once(child_env):
    events = record(30)
    settled()
    services.seal_batch(batch_size=10)  # 10 sealed before the crash
    record(5)
    crash = subprocess.run(
        [sys.executable, "-c", CRASHING_SEALER, "8"],
        cwd=ROOT,
        env=child_environment({**child_env, "DJANGO_SETTINGS_MODULE": "tongban.config.settings"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    assert Entry.objects.count() == 10
    assert Node.objects.count() == 0  # nothing of the killed batch survived
    seal_all(expected=35)
    assert Entry.objects.count() == 35
    assert sealed_event_ids()[:30] == [event.id for event in events]
    assert audit.audit_ledger().ok


def test_the_log_keeps_its_origin(settings):
    record(1)
    seal()
    settings.TONGBAN_LEDGER_ORIGIN = "elsewhere.example/ledger"
    record(1)
    with pytest.raises(ImproperlyConfigured, match="TONGBAN_LEDGER_ORIGIN"):
        seal()
    assert Entry.objects.count() == 1


def test_the_gm_suite_hashes_with_sm3_and_signs_with_ed25519_and_sm2(settings):
    settings.TONGBAN_CRYPTO_SUITE = "gm"
    record(5)
    seal()
    log = Log.objects.get()
    assert log.hash_suite == "gm"
    sm3 = merkle.hasher_for("gm")
    entry = Entry.objects.get(index=2)
    assert bytes(entry.leaf_hash) == sm3.leaf(entry.leaf.encode())
    checkpoint = Checkpoint.objects.latest()
    _text, signed_by = open_note(checkpoint.note, published_keys(log.origin))
    assert sorted(key.algorithm for key in signed_by) == ["Ed25519", "SM2"]
    head = parse_checkpoint(_text)
    leaf_hash, proof = selectors.inclusion_proof(index=2, tree_size=5)
    merkle.verify_inclusion(sm3, 2, 5, leaf_hash, proof, head.root_hash)
    # A later change of suite changes signatures, never the log's hash function.
    settings.TONGBAN_CRYPTO_SUITE = "intl"
    record(1)
    seal()
    assert bytes(Entry.objects.get(index=5).leaf_hash) == sm3.leaf(
        Entry.objects.get(index=5).leaf.encode()
    )
    assert audit.audit_ledger().ok


def test_an_event_sealed_before_is_refused_a_second_entry():
    (event,) = record(1)
    seal()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            index=1, event=event, leaf="{}", leaf_hash=b"\0" * 32, sealed_at=event.occurred_at
        )
    assert Entry.objects.count() == 1
    assert Event.objects.count() == 1
