"""A real `tongban worker` seals the demo city's events on its own: the periodic job is
registered by the ledger app and enqueued by the worker's heartbeat."""

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, child_environment
from tongban.core.models import Event
from tongban.ledger.audit import audit_ledger
from tongban.ledger.models import Checkpoint, Entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_seals_the_demo_events(child_env):
    from tongban.demo.seed import seed_demo

    seed_demo()
    events = Event.objects.count()
    assert events > 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "tongban.manage", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=child_environment(child_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while Entry.objects.count() < events and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            _out, errors = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            errors = ""
    # The worker's other periodic jobs (e.g. data-quality checks) record events of their own;
    # every demo event is sealed, and so is everything else that committed before it stopped.
    sealed = Entry.objects.count()
    assert sealed >= events, errors[-2000:]
    assert set(Entry.objects.values_list("event_id", flat=True)) >= set(
        Event.objects.order_by("id").values_list("id", flat=True)[:events]
    )
    assert Checkpoint.objects.latest().tree_size <= sealed
    assert audit_ledger().ok
