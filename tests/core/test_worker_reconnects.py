"""`tongban worker` outlives the database: an OperationalError (PostgreSQL restarting) makes
it wait and start again, handing back the task it was running, instead of exiting
(regression: the worker died on `pg_ctlcluster restart`, and `tongban serve` with it)."""

import pytest
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from tests.core.sample_tasks import add
from tongban.core.management.commands import worker

pytestmark = pytest.mark.django_db


def test_the_worker_reconnects_and_requeues_its_interrupted_task(monkeypatch):
    interrupted = DBTaskResult.objects.get(id=add.enqueue(1, 2).id)
    attempts = []

    def flaky_handle(self, *args, **options):
        attempts.append(1)
        if len(attempts) == 1:
            interrupted.claim("w-1")  # it was running a task when the database went away
            raise OperationalError("the database system is starting up")
        if len(attempts) == 2:
            assert DBTaskResult.objects.get(id=interrupted.id).status == "READY"
            raise OperationalError("connection refused")
        return "stopped"

    monkeypatch.setattr(worker.DbWorkerCommand, "handle", flaky_handle)
    monkeypatch.setattr(worker, "RECONNECT_DELAYS", (0, 0))
    # The test's own transaction must survive: the worker's close() of a lost connection
    # is replaced by a no-op here.
    monkeypatch.setattr(worker, "connection", type("Lost", (), {"close": lambda self: None})())
    command = worker.Command()
    assert command.run_reconnecting("w-1", (), {"worker_id": "w-1"}) == "stopped"
    assert len(attempts) == 3
    assert DBTaskResult.objects.get(id=interrupted.id).status == "READY"
