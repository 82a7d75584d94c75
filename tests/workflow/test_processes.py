"""The shipped processes end to end, as the intake will drive them: engine calls only."""

import pytest

from tongban.core.models import Event
from tongban.identity.models import Role
from tongban.workflow import engine, hooks, selectors, services
from tongban.workflow.models import ProcessDefinition, ProcessInstance, Task
from tongban.workflow.shipped import PROCESSES

pytestmark = pytest.mark.django_db

SUBJECT = ("intake.application", "1001")
SINGLE = PROCESSES / "single_department.bpmn"


def open_tasks(instance):
    return list(instance.tasks.active().order_by("element_id", "department_id"))


def test_the_shipped_processes_are_installed_by_migrate(db):
    keys = set(ProcessDefinition.objects.values_list("key", flat=True))
    assert {"single_department", "parallel_review"} <= keys
    again = services.upload_process(
        key="single_department",
        content=SINGLE.read_bytes(),
        actor="system:test",
        source="shipped",
    )
    assert again.version == 1  # unchanged content: no new version


def test_parallel_review_with_two_departments(civil, health, police, make_official):
    lead = make_official(civil, Role.APPROVER)
    reviewer_health = make_official(health, Role.APPROVER)
    reviewer_police = make_official(police, Role.APPROVER)
    ended = []

    def on_end(*, instance, end_event, data, **kwargs):
        ended.append((instance.subject_type, instance.pk, end_event, data["decide_outcome"]))

    hooks.connect("process_ended", on_end, subject_type="intake.application")
    try:
        step = services.start_process(
            key="parallel_review",
            subject=SUBJECT,
            data={"lead_department": civil.pk, "co_departments": [health.pk, police.pk]},
            actor="system:test",
        )
        instance = step.instance
        [accept] = step.created
        assert (accept.element_id, accept.department, accept.role) == ("accept", civil, "approver")

        step = services.complete_task(task=accept, actor=lead, outcome="accept")
        created = {(t.element_id, t.department_id) for t in step.created}
        assert created == {
            ("lead_review", civil.pk),
            ("co_review", health.pk),
            ("co_review", police.pk),
        }
        # Each department sees its own review at the same time (并联).
        [health_task] = selectors.queue_for(official=reviewer_health.official)
        [police_task] = selectors.queue_for(official=reviewer_police.official)
        [lead_task] = selectors.queue_for(official=lead.official)
        assert lead_task.element_id == "lead_review"

        services.claim_task(task=police_task, actor=reviewer_police)
        step = services.complete_task(task=police_task, actor=reviewer_police, outcome="approve")
        assert step.created == [] and not step.ended
        step = services.complete_task(task=health_task, actor=reviewer_health, outcome="approve")
        assert step.created == []
        step = services.complete_task(task=lead_task, actor=lead, outcome="approve")
        [decide] = step.created  # the join fired once, after all three reviews
        assert (decide.element_id, decide.department_id) == ("decide", civil.pk)

        step = services.complete_task(task=decide, actor=lead, outcome="approve")
        assert step.ended and step.end_event == "end"
        assert step.data["co_reviews"] == ["approve", "approve"]
    finally:
        hooks.disconnect("process_ended", on_end, subject_type="intake.application")

    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED
    assert instance.end_event == "end"
    assert ended == [("intake.application", instance.pk, "end", "approve")]
    assert not instance.tasks.active().exists()
    kinds = list(Event.objects.filter(kind__startswith="workflow.").values_list("kind", flat=True))
    assert kinds.count("workflow.task_completed") == 5
    assert kinds[-1] == "workflow.process_ended"


def test_single_department_refusal_at_intake_ends_the_process(civil, approver):
    step = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    step = services.complete_task(task=step.created[0], actor=approver, outcome="refuse")
    assert step.ended and step.end_event == "refused"


def test_single_department_decider_can_return_the_case_to_review(civil, approver):
    step = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    step = services.complete_task(task=step.created[0], actor=approver, outcome="accept")
    [review] = step.created
    [decide] = services.complete_task(task=review, actor=approver, outcome="approve").created
    [review_again] = services.complete_task(task=decide, actor=approver, outcome="return").created
    assert review_again.element_id == "review" and review_again.pk != review.pk
    [decide] = services.complete_task(task=review_again, actor=approver, outcome="reject").created
    step = services.complete_task(task=decide, actor=approver, outcome="reject")
    assert step.ended and step.data["decide_outcome"] == "reject"


def test_starting_twice_for_a_subject_returns_the_running_process(civil):
    first = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    second = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    assert second.instance.pk == first.instance.pk and second.created == []
    assert ProcessInstance.objects.count() == 1
    assert Task.objects.count() == 1


def test_a_running_instance_keeps_its_version(civil, approver, operator):
    step = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    content = SINGLE.read_bytes()
    changed = content.replace(b'name="Review (\xe5\xae\xa1\xe6\x9f\xa5)"', b'name="Review v2"')
    v2 = services.upload_process(key="single_department", content=changed, actor=operator)
    assert v2.version == 2
    [review] = services.complete_task(
        task=step.created[0], actor=approver, outcome="accept"
    ).created
    assert review.name == "Review (审查)"  # still version 1
    assert review.instance.definition.version == 1
    later = services.start_process(
        key="single_department",
        subject=("intake.application", "2"),
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    assert later.instance.definition == v2


def test_a_department_that_does_not_exist_is_a_fault_and_changes_nothing(db):
    before = Event.objects.count()
    with pytest.raises(engine.ProcessFault, match="department 999999 does not exist"):
        services.start_process(
            key="single_department",
            subject=SUBJECT,
            data={"lead_department": 999999},
            actor="system:test",
        )
    assert ProcessInstance.objects.count() == 0 and Event.objects.count() == before


def test_missing_process_data_is_a_fault_naming_the_variable(db):
    with pytest.raises(engine.ProcessFault, match="lead_department"):
        services.start_process(
            key="single_department", subject=SUBJECT, data={}, actor="system:test"
        )
    assert ProcessInstance.objects.count() == 0
