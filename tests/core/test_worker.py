"""A real `tongban worker` process: it beats, runs tasks, and stops cleanly on SIGTERM."""

import signal
import subprocess
import sys
import time

import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import ROOT, child_environment
from tests.core.sample_tasks import add
from tongban.core.models import WorkerHeartbeat


def wait_for(condition, timeout=30.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def test_worker_beats_runs_tasks_and_stops(child_env, client):
    result = add.enqueue(2, 3)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tongban.manage",
            "worker",
            "--interval",
            "0.2",
            "--worker-id",
            "test-worker",
        ],
        cwd=ROOT,
        env=child_environment(child_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="test-worker").exists())
        assert client.get("/readyz").status_code == 200
        assert wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"), (
            worker.stderr.read() if worker.poll() is not None else "task not run"
        )
        assert DBTaskResult.objects.get(id=result.id).return_value == 5
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            pytest.fail("worker did not stop on SIGTERM")
    assert worker.returncode == 0
