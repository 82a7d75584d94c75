"""A worker killed in the middle of a step loses nothing: the step never happened, the process
resumes from its last saved state."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, child_environment
from tongban.identity.models import Role
from tongban.workflow import services
from tongban.workflow.models import ProcessInstance, Task

pytestmark = pytest.mark.django_db(transaction=True)

CHILD = """
import os, sys, time, django
django.setup()
from tongban.identity.models import Account
from tongban.workflow import hooks, services

def stall(**kwargs):
    open(sys.argv[3], "w").close()   # the step is computed and saved, not committed
    time.sleep(60)

hooks.connect("task_completed", stall, subject_type="intake.application")
services.complete_task(task=int(sys.argv[1]), actor=Account.objects.get(pk=int(sys.argv[2])),
                       outcome="accept")
"""


def test_a_killed_step_leaves_the_last_saved_state(civil, make_official, child_env, tmp_path):
    official = make_official(civil, Role.APPROVER)
    step = services.start_process(
        key="single_department",
        subject=("intake.application", "crash"),
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    task = step.created[0]
    before = ProcessInstance.objects.get(pk=step.instance.pk)
    marker = tmp_path / "inside"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(task.pk), str(official.pk), str(marker)],
        cwd=ROOT,
        env=child_environment({**child_env, "DJANGO_SETTINGS_MODULE": "tongban.config.settings"}),
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child ended before the step"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    after = ProcessInstance.objects.get(pk=before.pk)
    assert (after.revision, after.state) == (before.revision, before.state)
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    step = services.complete_task(task=task, actor=official, outcome="accept")
    assert [t.element_id for t in step.created] == ["review"]
