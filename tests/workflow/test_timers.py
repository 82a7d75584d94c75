"""BPMN timers survive save and reload and are fired by the worker's periodic job."""

import datetime
import time

import pytest
from django.utils import timezone

from tongban.core import periodic
from tongban.identity.models import Role
from tongban.workflow import services
from tongban.workflow.models import ProcessInstance, Task
from tongban.workflow.tasks import fire_due_timers

from .models import timer_process

pytestmark = pytest.mark.django_db


def start(key, civil):
    return services.start_process(
        key=key,
        subject=("intake.application", key),
        data={"lead_department": civil.pk},
        actor="system:test",
    )


def test_the_timer_job_is_registered():
    job = periodic.registered_jobs()["workflow.fire_due_timers"]
    assert job.task is fire_due_timers and job.every == datetime.timedelta(seconds=30)


def test_an_interrupting_timer_escalates_after_reload(operator, civil, make_official):
    services.upload_process(key="timed", content=timer_process('"PT0.6S"'), actor=operator)
    step = start("timed", civil)
    instance = step.instance
    assert instance.next_timer_at is not None
    assert instance.next_timer_at <= timezone.now() + datetime.timedelta(seconds=1)
    [work] = step.created
    assert services.fire_due_timers(now=timezone.now() - datetime.timedelta(seconds=5)) == 0

    time.sleep(0.8)
    assert fire_due_timers.call() == 1  # the worker's task, run in-process
    work.refresh_from_db()
    assert work.status == Task.Status.CANCELLED
    [escalated] = Task.objects.filter(instance=instance, status=Task.Status.OPEN)
    assert (escalated.element_id, escalated.role) == ("escalated", Role.DEPARTMENT_HEAD)
    instance.refresh_from_db()
    assert instance.next_timer_at is None
    assert services.fire_due_timers() == 0

    head = make_official(civil, Role.DEPARTMENT_HEAD)
    step = services.complete_task(task=escalated, actor=head, outcome="done")
    assert step.ended and step.end_event == "end2"


def test_a_non_interrupting_timer_adds_a_task(operator, civil, approver):
    services.upload_process(
        key="reminded", content=timer_process('"PT0.3S"', interrupting=False), actor=operator
    )
    step = start("reminded", civil)
    [work] = step.created
    time.sleep(0.5)
    assert services.fire_due_timers() == 1
    work.refresh_from_db()
    assert work.status == Task.Status.OPEN
    assert Task.objects.filter(element_id="escalated", status="open").count() == 1
    step = services.complete_task(task=work, actor=approver, outcome="done")
    assert ProcessInstance.objects.get(pk=step.instance.pk).status == "running"


def test_a_timer_date_can_come_from_the_process_data(operator, civil):
    services.upload_process(
        key="dated",
        content=timer_process("escalate_at").replace(b"timeDuration", b"timeDate"),
        actor=operator,
    )
    when = timezone.now() + datetime.timedelta(days=3)
    step = services.start_process(
        key="dated",
        subject=("intake.application", "d"),
        data={"lead_department": civil.pk, "escalate_at": when.isoformat()},
        actor="system:test",
    )
    assert abs((step.instance.next_timer_at - when).total_seconds()) < 1
    assert services.fire_due_timers() == 0
    # Asked too early (a worker whose clock runs ahead), the engine checks the real time again
    # and nothing fires.
    assert services.fire_due_timers(now=when + datetime.timedelta(seconds=1)) == 1
    assert not Task.objects.filter(element_id="escalated").exists()
    step.instance.refresh_from_db()
    assert abs((step.instance.next_timer_at - when).total_seconds()) < 1
