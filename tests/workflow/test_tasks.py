"""What officials do with tasks: claim, return, supplement, complete — and who may."""

import pytest
from django.db import transaction

from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.identity.models import Role
from tongban.workflow import engine, hooks, selectors, services
from tongban.workflow.models import ProcessInstance, Task
from tongban.workflow.services import TaskConflict
from tongban.workflow.xml import InvalidModel

from .models import one_task_process

pytestmark = pytest.mark.django_db

SUBJECT = ("intake.application", "77")


@pytest.fixture
def accept_task(civil):
    step = services.start_process(
        key="single_department",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    return step.created[0]


def snapshot(task):
    task.refresh_from_db()
    instance = ProcessInstance.objects.get(pk=task.instance_id)
    return (
        task.status,
        task.version,
        task.assignee_id,
        instance.revision,
        instance.state,
        Event.objects.count(),
        Task.objects.count(),
    )


@pytest.mark.parametrize(
    "who, verb, allowed",
    [
        ("approver_same_department", "claim", True),
        ("approver_same_department", "complete", True),
        ("approver_same_department", "supplement", True),
        ("head_same_department", "claim", False),
        ("head_same_department", "complete", False),
        ("clerk_same_department", "complete", False),
        ("approver_other_department", "claim", False),
        ("approver_other_department", "complete", False),
        ("approver_other_department", "supplement", False),
        ("operator", "complete", False),
        ("citizen", "claim", False),
        ("anonymous", "complete", False),
    ],
)
def test_who_may_work_on_a_task(who, verb, allowed, accept_task, civil, health, make_official):
    from django.contrib.auth.models import AnonymousUser

    from tongban.identity.models import Account

    actors = {
        "approver_same_department": lambda: make_official(civil, Role.APPROVER),
        "head_same_department": lambda: make_official(civil, Role.DEPARTMENT_HEAD),
        "clerk_same_department": lambda: make_official(civil, Role.COUNTER_CLERK),
        "approver_other_department": lambda: make_official(health, Role.APPROVER),
        "operator": lambda: make_official(health, Role.OPERATOR),
        "citizen": lambda: Account.objects.create_user(
            "citizen-1", "pw-not-used-1234", kind=Account.Kind.PERSON, display_name="市民"
        ),
        "anonymous": AnonymousUser,
    }
    actor = actors[who]()
    before = snapshot(accept_task)
    call = {
        "claim": lambda: services.claim_task(task=accept_task, actor=actor),
        "complete": lambda: services.complete_task(task=accept_task, actor=actor, outcome="accept"),
        "supplement": lambda: services.request_supplement(task=accept_task, actor=actor),
    }[verb]
    if allowed:
        call()
        assert snapshot(accept_task) != before
    else:
        with pytest.raises(NotPermitted):
            call()
        assert snapshot(accept_task) == before


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("assignee", True),
        ("head_same_department", True),
        ("colleague", False),
        ("head_other_department", False),
    ],
)
def test_who_may_return_a_claimed_task(who, allowed, accept_task, civil, health, make_official):
    assignee = make_official(civil, Role.APPROVER)
    services.claim_task(task=accept_task, actor=assignee)
    actor = {
        "assignee": assignee,
        "head_same_department": make_official(civil, Role.DEPARTMENT_HEAD),
        "colleague": make_official(civil, Role.APPROVER),
        "head_other_department": make_official(health, Role.DEPARTMENT_HEAD),
    }[who]
    before = snapshot(accept_task)
    if allowed:
        task = services.return_task(task=accept_task, actor=actor, reason="休假，请同事办理")
        assert (task.status, task.assignee_id) == (Task.Status.OPEN, None)
    else:
        with pytest.raises(NotPermitted):
            services.return_task(task=accept_task, actor=actor, reason="x")
        assert snapshot(accept_task) == before


def test_a_claimed_task_is_off_colleagues_queues(accept_task, civil, make_official):
    me, colleague = make_official(civil, Role.APPROVER), make_official(civil, Role.APPROVER)
    assert list(selectors.queue_for(official=colleague.official)) == [accept_task]
    services.claim_task(task=accept_task, actor=me)
    assert list(selectors.queue_for(official=colleague.official)) == []
    assert [t.pk for t in selectors.queue_for(official=me.official)] == [accept_task.pk]
    assert [t.pk for t in selectors.claimed_by(official=me.official)] == [accept_task.pk]
    before = snapshot(accept_task)
    with pytest.raises(TaskConflict):
        services.complete_task(task=accept_task, actor=colleague, outcome="accept")
    with pytest.raises(TaskConflict):
        services.claim_task(task=accept_task, actor=colleague)
    assert snapshot(accept_task) == before


def test_bad_decisions_are_refused_and_change_nothing(accept_task, approver):
    before = snapshot(accept_task)
    with pytest.raises(InvalidModel, match="Choose one of: accept, refuse"):
        services.complete_task(task=accept_task, actor=approver, outcome="approve")
    with pytest.raises(InvalidModel, match="does not let you set"):
        services.complete_task(
            task=accept_task, actor=approver, outcome="accept", data={"lead_department": 1}
        )
    assert snapshot(accept_task) == before
    services.claim_task(task=accept_task, actor=approver)
    before = snapshot(accept_task)
    with pytest.raises(InvalidModel, match="Say why"):
        services.return_task(task=accept_task, actor=approver, reason="   ")
    assert snapshot(accept_task) == before


def test_declared_fields_reach_the_process_data(operator, civil, approver):
    services.upload_process(
        key="with_fields", content=one_task_process(fields="opinion"), actor=operator
    )
    step = services.start_process(
        key="with_fields",
        subject=SUBJECT,
        data={"lead_department": civil.pk},
        actor="system:test",
    )
    step = services.complete_task(
        task=step.created[0], actor=approver, outcome="done", data={"opinion": "材料齐全"}
    )
    assert step.ended and step.data["opinion"] == "材料齐全" and step.data["work_outcome"] == "done"


def test_a_stale_version_is_refused(accept_task, approver):
    seen = accept_task.version
    services.claim_task(task=accept_task, actor=approver)
    with pytest.raises(TaskConflict, match="Someone else"):
        services.complete_task(
            task=accept_task, actor=approver, outcome="accept", expected_version=seen
        )
    accept_task.refresh_from_db()
    assert accept_task.status == Task.Status.CLAIMED


def test_a_completed_task_cannot_be_completed_again(accept_task, approver):
    services.complete_task(task=accept_task, actor=approver, outcome="accept")
    before = snapshot(accept_task)
    with pytest.raises(TaskConflict):
        services.complete_task(task=accept_task, actor=approver, outcome="refuse")
    assert snapshot(accept_task) == before


def test_supplement_parks_the_task_and_resume_gives_it_back(accept_task, civil, make_official):
    asker, colleague = make_official(civil, Role.APPROVER), make_official(civil, Role.APPROVER)
    task = services.request_supplement(task=accept_task, actor=asker)
    assert (task.status, task.assignee.account) == (Task.Status.SUPPLEMENT, asker)
    assert list(selectors.queue_for(official=colleague.official)) == []
    with pytest.raises(TaskConflict):
        services.complete_task(task=task, actor=asker, outcome="accept")
    task = services.resume_task(task=task, actor="system:intake")
    assert (task.status, task.assignee.account) == (Task.Status.CLAIMED, asker)
    step = services.complete_task(task=task, actor=asker, outcome="accept")
    assert [t.element_id for t in step.created] == ["review"]
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"workflow.supplement_requested", "workflow.task_resumed"} <= kinds


def test_cancelling_a_process_closes_its_tasks(accept_task, approver):
    instance = services.cancel_process(
        instance=accept_task.instance, actor="system:intake", reason="申请人撤回"
    )
    assert instance.status == ProcessInstance.Status.CANCELLED
    accept_task.refresh_from_db()
    assert accept_task.status == Task.Status.CANCELLED
    with pytest.raises(TaskConflict):
        services.complete_task(task=accept_task, actor=approver, outcome="accept")
    with pytest.raises(TaskConflict):
        services.cancel_process(instance=instance, actor="system:intake", reason="again")


def test_a_failing_hook_rolls_the_whole_step_back(accept_task, approver):
    def refuse(**kwargs):
        raise RuntimeError("intake could not record the change")

    hooks.connect("task_completed", refuse, subject_type=SUBJECT[0])
    before = snapshot(accept_task)
    try:
        with pytest.raises(RuntimeError):
            services.complete_task(task=accept_task, actor=approver, outcome="accept")
    finally:
        hooks.disconnect("task_completed", refuse, subject_type=SUBJECT[0])
    assert snapshot(accept_task) == before


def test_the_step_shares_the_callers_transaction(accept_task, approver):
    before = snapshot(accept_task)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.complete_task(task=accept_task, actor=approver, outcome="accept")
        1 / 0  # the caller's own change fails after the step  # noqa: B018
    assert snapshot(accept_task) == before


def test_state_reloads_exactly_after_a_restart(accept_task, approver):
    """What is saved is all there is: a fresh load serializes to the same text, and the
    process continues from it (as after a crash and restart)."""
    services.complete_task(task=accept_task, actor=approver, outcome="accept")
    instance = ProcessInstance.objects.get(pk=accept_task.instance_id)
    reloaded = engine.load(instance)
    assert engine.dump(reloaded) == instance.state
    [review] = instance.tasks.active()
    step = services.complete_task(task=review, actor=approver, outcome="approve")
    assert [t.element_id for t in step.created] == ["decide"]


def test_queues_take_a_fixed_number_of_queries(civil, approver, django_assert_max_num_queries):
    for number in range(12):
        services.start_process(
            key="single_department",
            subject=("intake.application", str(number)),
            data={"lead_department": civil.pk},
            actor="system:test",
        )
    official = approver.official
    with django_assert_max_num_queries(2):
        tasks = list(selectors.queue_for(official=official))
        labels = [(t.instance.definition.key, t.department.name, t.assignee) for t in tasks]
    assert len(labels) == 12
    with django_assert_max_num_queries(1):
        assert len(list(selectors.department_queue(department=civil))) == 12


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("clerk_same_department", True),
        ("approver_other_department", False),
        ("operator", True),
        ("auditor", True),
        ("citizen", False),
    ],
)
def test_who_may_see_a_task(who, allowed, accept_task, civil, health, make_official):
    from tongban.core.permissions import allowed as may
    from tongban.identity.models import Account

    actor = {
        "clerk_same_department": lambda: make_official(civil, Role.COUNTER_CLERK),
        "approver_other_department": lambda: make_official(health, Role.APPROVER),
        "operator": lambda: make_official(health, Role.OPERATOR),
        "auditor": lambda: make_official(health, Role.AUDITOR),
        "citizen": lambda: Account.objects.create_user(
            "citizen-2", "pw-not-used-1234", kind=Account.Kind.PERSON, display_name="市民"
        ),
    }[who]()
    assert may(actor, "workflow.view_task", accept_task) is allowed
