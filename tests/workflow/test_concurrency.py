"""Two officials at the same moment, in two real transactions (run on PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection, transaction

from tongban.identity.models import Role
from tongban.workflow import hooks, services
from tongban.workflow.models import ProcessInstance, Task
from tongban.workflow.services import TaskConflict

pytestmark = pytest.mark.django_db(transaction=True)


class HeldStep:
    """Runs a `complete_task` in a thread and holds its transaction open after the step, until
    released, so another transaction can try the same thing meanwhile."""

    def __init__(self, **call):
        self.call, self.error, self.result = call, None, None
        self.inside, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run)

    def hold(self, **kwargs):
        if threading.current_thread() is self.thread:
            self.inside.set()
            assert self.release.wait(10)

    def run(self):
        hooks.connect("task_completed", self.hold, subject_type="intake.application")
        try:
            with transaction.atomic():
                self.result = services.complete_task(**self.call)
        except Exception as error:
            self.error = error
        finally:
            hooks.disconnect("task_completed", self.hold, subject_type="intake.application")
            connection.close()


def in_thread(function):
    outcome = {}

    def run():
        try:
            outcome["result"] = function()
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_two_officials_cannot_both_complete_the_same_task(civil, make_official):
    first, second = make_official(civil, Role.APPROVER), make_official(civil, Role.APPROVER)
    step = services.start_process(
        key="single_department",
        subject=("intake.application", "5"),
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    task = step.created[0]
    held = HeldStep(task=task.pk, actor=first, outcome="accept")
    held.thread.start()
    assert held.inside.wait(10)
    thread, outcome = in_thread(
        lambda: services.complete_task(task=task.pk, actor=second, outcome="refuse")
    )
    thread.join(0.5)  # the second waits on the first's row lock
    held.release.set()
    held.thread.join(10)
    thread.join(10)
    assert held.error is None
    assert isinstance(outcome.get("error"), TaskConflict)
    task.refresh_from_db()
    assert (task.status, task.outcome, task.completed_by.account) == (
        Task.Status.COMPLETED,
        "accept",
        first,
    )
    instance = ProcessInstance.objects.get(pk=task.instance_id)
    assert instance.status == "running"
    assert [t.element_id for t in instance.tasks.active()] == ["review"]


def test_sibling_reviews_completed_at_the_same_moment_both_count(
    civil, health, police, make_official
):
    lead = make_official(civil, Role.APPROVER)
    health_official = make_official(health, Role.APPROVER)
    police_official = make_official(police, Role.APPROVER)
    step = services.start_process(
        key="parallel_review",
        subject=("intake.application", "6"),
        data={"lead_department": civil.pk, "co_departments": [health.pk, police.pk]},
        actor="system:test",
    )
    step = services.complete_task(task=step.created[0], actor=lead, outcome="accept")
    reviews = {t.department_id: t for t in step.created if t.element_id == "co_review"}
    held = HeldStep(task=reviews[health.pk].pk, actor=health_official, outcome="approve")
    held.thread.start()
    assert held.inside.wait(10)
    thread, outcome = in_thread(
        lambda: services.complete_task(
            task=reviews[police.pk].pk, actor=police_official, outcome="reject"
        )
    )
    thread.join(0.5)
    held.release.set()
    held.thread.join(10)
    thread.join(10)
    assert held.error is None and "error" not in outcome
    instance = ProcessInstance.objects.get(pk=step.instance.pk)
    [lead_review] = instance.tasks.active()
    assert lead_review.element_id == "lead_review"
    step = services.complete_task(task=lead_review, actor=lead, outcome="approve")
    [decide] = step.created
    step = services.complete_task(task=decide, actor=lead, outcome="reject")
    assert sorted(step.data["co_reviews"]) == ["approve", "reject"]
