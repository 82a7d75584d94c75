"""Every write of the workflow layer: one transaction each, permission-checked, with its event.

The engine API for higher layers (intake):

- `start_process` — start the latest version of a process for a subject (idempotent per
  subject); returns a `Step` with the tasks created;
- `claim_task`, `return_task`, `complete_task`, `request_supplement`, `resume_task` — what
  officials do with tasks; `complete_task` returns the `Step` (tasks created, process ended);
- `cancel_process` (withdrawal), `set_due_date` (the intake's deadline clock);
- `fire_due_timers` — the worker's periodic job for BPMN timer events;
- `upload_process`, `upload_decision` — operators' model uploads (checked before storing).

All of them run inside the caller's transaction when there is one (`transaction.atomic`
nests), so the intake's change and the engine step commit together or not at all."""

import datetime
import hashlib
import json
import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.api import Conflict
from tongban.core.events import record_event
from tongban.core.permissions import require
from tongban.identity.predicates import official_of
from tongban.workflow import dmn, engine, hooks
from tongban.workflow.bpmn import check_process
from tongban.workflow.engine import ProcessFault, StaleProcess, Step
from tongban.workflow.models import (
    DecisionDefinition,
    ProcessDefinition,
    ProcessInstance,
    Source,
    Task,
)
from tongban.workflow.xml import InvalidModel, Problem

logger = logging.getLogger("tongban.workflow")

MAX_DATA_BYTES = 64 * 1024
MAX_TEXT = 4000
STEP_ATTEMPTS = 5


class TaskConflict(Conflict):
    """The task is not in a state that allows this (taken, closed, or changed since read)."""


class UnknownProcess(Conflict):
    def __init__(self, key: str):
        super().__init__(
            "unknown_process", _("No process model has the key %(key)s.") % {"key": key}
        )


def _subject(subject: Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(subject, Model):
        return subject._meta.label_lower, str(subject.pk)
    subject_type, subject_id = subject
    return str(subject_type), str(subject_id)


def _checked_data(data: dict | None, *, allowed: set[str] | None = None) -> dict:
    """Process data is JSON with identifier keys, bounded in size; officials may write only the
    fields their task declares."""
    data = data or {}
    if not isinstance(data, dict):
        raise InvalidModel([Problem("data", _("Process data must be an object."))])
    problems = []
    for key, value in data.items():
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            problems.append(Problem(str(key), _("not a valid variable name")))
        elif allowed is not None and key not in allowed:
            problems.append(Problem(key, _("this task does not let you set this field")))
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            problems.append(Problem(key, _("longer than %(n)d characters") % {"n": MAX_TEXT}))
    try:
        size = len(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError):
        problems.append(Problem("data", _("Process data must be JSON.")))
    else:
        if size > MAX_DATA_BYTES:
            problems.append(Problem("data", _("Process data is larger than 64 KB.")))
    if problems:
        raise InvalidModel(problems)
    return data


def _notify_step(step: Step, *, actor) -> None:
    instance = step.instance
    for task in step.created:
        hooks.send("task_created", subject_type=instance.subject_type, instance=instance, task=task)
    if step.ended:
        record_event(
            "workflow.process_ended",
            subject=instance,
            payload={"subject": instance.subject, "end_event": step.end_event},
            actor=actor,
        )
        hooks.send(
            "process_ended",
            subject_type=instance.subject_type,
            instance=instance,
            end_event=step.end_event,
            data=step.data,
        )


def _step_payload(step: Step) -> dict:
    return {
        "subject": step.instance.subject,
        "created": [task.pk for task in step.created],
        "cancelled": [task.pk for task in step.cancelled],
    }


def _run_step(instance_id: int, change, *, loaded: ProcessInstance | None = None) -> Step:
    """Load the instance, apply `change(workflow)`, save with compare-and-set, mirror tasks.

    When another transaction saved the instance in between (a sibling task of a parallel
    review completed at the same moment), the step is recomputed from the fresh state: the
    re-read sees the other commit under READ COMMITTED; SQLite serializes writers anyway."""
    for attempt in range(STEP_ATTEMPTS):
        if attempt or loaded is None:
            instance = ProcessInstance.objects.get(pk=instance_id)
        else:
            instance = loaded  # read in this transaction; a stale copy fails the save below
        if instance.status != ProcessInstance.Status.RUNNING:
            raise TaskConflict("process_closed", _("This process has already ended."))
        workflow = engine.load(instance)
        change(workflow)
        try:
            step = engine.save(instance, workflow)
        except StaleProcess:
            continue
        return engine.sync_tasks(step, workflow)
    raise TaskConflict("busy", _("The case is being changed by others; try again."))


# Models -------------------------------------------------------------------------------------


def _store_version(model, *, key: str, content: bytes, actor, source: str, same=None, **fields):
    """Store `content` as the next version of `key` (or return the latest when it is the same
    upload again) and record the upload event."""
    digest = hashlib.sha256(content).hexdigest()
    latest = model.objects.filter(key=key).order_by("-version").first()
    if latest is not None and latest.sha256 == digest and (same is None or same(latest)):
        return latest
    definition = model.objects.create(
        key=key,
        version=(latest.version + 1) if latest else 1,
        sha256=digest,
        source=source,
        uploaded_by=str(getattr(actor, "pk", actor)),
        **fields,
    )
    kind = "process" if model is ProcessDefinition else "decision"
    record_event(
        f"workflow.{kind}_uploaded",
        subject=definition,
        payload={"key": key, "version": definition.version, "sha256": digest},
        actor=actor,
    )
    return definition


@transaction.atomic
def upload_process(
    *, key: str, content: bytes, actor, source: str = Source.OPERATOR
) -> ProcessDefinition:
    """Check a BPMN file and store it as the next version of process `key`.

    The same content as the latest version returns that version (a retried upload does not
    make a new one). Running instances keep the version they started with."""
    if source == Source.OPERATOR:
        require(actor, "workflow.upload_model")
    parsed = check_process(content)
    return _store_version(
        ProcessDefinition,
        key=key,
        content=content,
        actor=actor,
        source=source,
        name=parsed.name[:200],
        process_id=parsed.process_id,
        bpmn=content.decode("utf-8"),
        user_tasks=list(parsed.user_tasks),
    )


@transaction.atomic
def upload_decision(
    *,
    key: str,
    content: bytes,
    inputs: dict[str, str],
    actor,
    source: str = Source.OPERATOR,
) -> DecisionDefinition:
    """Check a DMN decision table against its declared `inputs` ({name: kind}) and store it as
    the next version of decision `key`."""
    if source == Source.OPERATOR:
        require(actor, "workflow.upload_model")
    table = dmn.check_decision(content, inputs=inputs)
    return _store_version(
        DecisionDefinition,
        key=key,
        content=content,
        actor=actor,
        source=source,
        same=lambda latest: latest.inputs == inputs,
        name=table.name[:200],
        decision_id=table.decision_id,
        dmn=content.decode("utf-8"),
        inputs=inputs,
        hit_policy=table.hit_policy,
    )


# Processes ----------------------------------------------------------------------------------


@transaction.atomic
def start_process(
    *,
    key: str,
    subject: Model | tuple[str, str],
    data: dict,
    actor,
    due_on: datetime.date | None = None,
) -> Step:
    """Start the latest version of process `key` for `subject` with `data` as process data.

    Idempotent: while a process of the same key runs for the subject, that one is returned
    (with no tasks in `created`); a different running process for the subject is a conflict.
    The caller (e.g. intake's submission) has checked that `actor` may do this."""
    subject_type, subject_id = _subject(subject)
    data = _checked_data(data)
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise UnknownProcess(key)
    running = (
        ProcessInstance.objects.select_related("definition")
        .filter(subject_type=subject_type, subject_id=subject_id, status="running")
        .first()
    )
    if running is not None:
        if running.definition.key != key:
            raise Conflict("process_running", _("Another process runs for this subject."))
        return Step(running)
    workflow = engine.new_workflow(definition, data)
    engine.advance(workflow)
    try:
        with transaction.atomic():
            instance = ProcessInstance.objects.create(
                definition=definition,
                subject_type=subject_type,
                subject_id=subject_id,
                state=engine.dump(workflow),
                due_on=due_on,
                next_timer_at=engine.next_timer(workflow),
                started_by=str(getattr(actor, "pk", actor)),
            )
    except IntegrityError:
        # A concurrent start for the same subject won; answer as a retry would.
        return start_process(key=key, subject=(subject_type, subject_id), data=data, actor=actor)
    step = Step(instance)
    if workflow.is_completed():
        step = engine.save(instance, workflow)
    engine.sync_tasks(step, workflow)
    record_event(
        "workflow.process_started",
        subject=instance,
        payload={**_step_payload(step), "key": key, "version": definition.version},
        actor=actor,
    )
    _notify_step(step, actor=actor)
    return step


@transaction.atomic
def cancel_process(*, instance: ProcessInstance, actor, reason: str) -> ProcessInstance:
    """Stop a running process (the applicant withdrew; the case was closed outside the model).
    Its active tasks are cancelled; the state is kept for the record."""
    updated = ProcessInstance.objects.filter(
        pk=instance.pk, status=ProcessInstance.Status.RUNNING
    ).update(
        status=ProcessInstance.Status.CANCELLED,
        ended_at=timezone.now(),
        next_timer_at=None,
        revision=F("revision") + 1,
    )
    if not updated:
        raise TaskConflict("process_closed", _("This process has already ended."))
    cancelled = list(instance.tasks.active().values_list("pk", flat=True))
    Task.objects.filter(pk__in=cancelled).update(
        status=Task.Status.CANCELLED, version=F("version") + 1
    )
    instance.refresh_from_db()
    record_event(
        "workflow.process_cancelled",
        subject=instance,
        payload={"subject": instance.subject, "cancelled": cancelled, "reason_length": len(reason)},
        actor=actor,
    )
    return instance


@transaction.atomic
def set_due_date(*, instance: ProcessInstance, due_on: datetime.date | None, actor) -> None:
    """Record the subject's current due date (computed in working days by the intake, moved
    when its clock pauses for a supplement); queues sort and filter on it."""
    ProcessInstance.objects.filter(pk=instance.pk).update(due_on=due_on)
    instance.due_on = due_on
    record_event(
        "workflow.due_date_set",
        subject=instance,
        payload={"subject": instance.subject, "due_on": due_on.isoformat() if due_on else None},
        actor=actor,
    )


# Tasks --------------------------------------------------------------------------------------


def _fresh(task: Task | int) -> Task:
    pk = task.pk if isinstance(task, Task) else task
    return Task.objects.select_related("instance").get(pk=pk)


def _transition(
    task: Task, *, expected_version: int | None, allowed: tuple[str, ...], **values
) -> Task:
    """Compare-and-set a task row: refused when its status or version moved on."""
    version = task.version if expected_version is None else expected_version
    updated = Task.objects.filter(pk=task.pk, version=version, status__in=allowed).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise TaskConflict(
            "task_changed", _("Someone else has acted on this task; reload it and try again.")
        )
    for name, value in values.items():
        setattr(task, name, value)
    task.version = version + 1
    return task


def _official(actor, task: Task, permission: str):
    require(actor, permission, task)
    return official_of(actor)


def _not_someone_elses(task: Task, official) -> None:
    if task.assignee_id and task.assignee_id != official.pk:
        raise TaskConflict("task_taken", _("Another official has claimed this task."))


@transaction.atomic
def claim_task(*, task: Task | int, actor, expected_version: int | None = None) -> Task:
    """Take an open task from the queue (签收), so colleagues see it is being worked on."""
    task = _fresh(task)
    official = _official(actor, task, "workflow.work_on_task")
    task = _transition(
        task,
        expected_version=expected_version,
        allowed=(Task.Status.OPEN,),
        status=Task.Status.CLAIMED,
        assignee=official,
        claimed_at=timezone.now(),
    )
    record_event(
        "workflow.task_claimed",
        subject=task,
        payload={"subject": task.instance.subject},
        actor=actor,
    )
    return task


@transaction.atomic
def return_task(
    *, task: Task | int, actor, reason: str, expected_version: int | None = None
) -> Task:
    """Give a claimed task back to its department's queue (退回), with a reason."""
    task = _fresh(task)
    _official(actor, task, "workflow.return_task")
    if not reason.strip():
        raise InvalidModel([Problem("reason", _("Say why the task is returned."))])
    task = _transition(
        task,
        expected_version=expected_version,
        allowed=(Task.Status.CLAIMED,),
        status=Task.Status.OPEN,
        assignee=None,
        claimed_at=None,
    )
    record_event(
        "workflow.task_returned",
        subject=task,
        payload={"subject": task.instance.subject, "reason_length": len(reason)},
        actor=actor,
    )
    return task


@transaction.atomic
def request_supplement(*, task: Task | int, actor, expected_version: int | None = None) -> Task:
    """Park the task while the applicant supplies missing material (补正). The engine does not
    move; the intake pauses its clock, notifies the applicant, and calls `resume_task` when the
    supplement arrives. The reasons live with the application, not here."""
    task = _fresh(task)
    official = _official(actor, task, "workflow.work_on_task")
    _not_someone_elses(task, official)
    task = _transition(
        task,
        expected_version=expected_version,
        allowed=(Task.Status.OPEN, Task.Status.CLAIMED),
        status=Task.Status.SUPPLEMENT,
        assignee=official,
    )
    record_event(
        "workflow.supplement_requested",
        subject=task,
        payload={"subject": task.instance.subject},
        actor=actor,
    )
    return task


@transaction.atomic
def resume_task(*, task: Task | int, actor) -> Task:
    """The supplement arrived: the task goes back to the official who asked for it.
    Called by the intake on the applicant's resubmission (its own permission check)."""
    task = _fresh(task)
    task = _transition(
        task,
        expected_version=None,
        allowed=(Task.Status.SUPPLEMENT,),
        status=Task.Status.CLAIMED if task.assignee_id else Task.Status.OPEN,
    )
    record_event(
        "workflow.task_resumed",
        subject=task,
        payload={"subject": task.instance.subject},
        actor=actor,
    )
    return task


@transaction.atomic
def complete_task(
    *,
    task: Task | int,
    actor,
    outcome: str,
    data: dict | None = None,
    expected_version: int | None = None,
) -> Step:
    """Decide a task (办结): write `outcome` (one of the task's outcomes) as
    `<task id>_outcome` and the declared `data` fields into the process, run the engine to the
    next wait, and save — all in the caller's transaction.

    Two officials completing the same task: the second is refused with `TaskConflict`
    (compare-and-set on the task's version). Completing a sibling task of a parallel review at
    the same moment is not a conflict: the engine step is recomputed on the fresh state."""
    task = _fresh(task)
    official = _official(actor, task, "workflow.work_on_task")
    if outcome not in task.outcomes:
        raise InvalidModel(
            [
                Problem(
                    "outcome",
                    _("Choose one of: %(outcomes)s.") % {"outcomes": ", ".join(task.outcomes)},
                )
            ]
        )
    values = {**_checked_data(data, allowed=set(task.fields)), task.outcome_variable: outcome}
    _not_someone_elses(task, official)
    task = _transition(
        task,
        expected_version=expected_version,
        allowed=(Task.Status.OPEN, Task.Status.CLAIMED),
        status=Task.Status.COMPLETED,
        assignee=official,
        completed_by=official,
        outcome=outcome,
        completed_at=timezone.now(),
    )
    spiff_id = uuid.UUID(str(task.spiff_id))
    step = _run_step(
        task.instance_id,
        lambda workflow: engine.complete(workflow, spiff_id, values),
        loaded=task.instance,
    )
    record_event(
        "workflow.task_completed",
        subject=task,
        payload={**_step_payload(step), "outcome": outcome, "element": task.element_id},
        actor=actor,
    )
    hooks.send(
        "task_completed",
        subject_type=step.instance.subject_type,
        instance=step.instance,
        task=task,
        outcome=outcome,
        data=data or {},
        actor=actor,
    )
    _notify_step(step, actor=actor)
    return step


# Timers -------------------------------------------------------------------------------------

TIMER_ACTOR = "system:workflow-timers"


@transaction.atomic
def fire_timers(*, instance: ProcessInstance | int) -> Step:
    """Fire the instance's due BPMN timers and run the engine on (boundary timers that withdraw
    a task cancel its row; timers leading to user tasks create rows)."""
    pk = instance.pk if isinstance(instance, ProcessInstance) else instance
    step = _run_step(pk, lambda workflow: engine.advance(workflow, refresh_timers=True))
    if step.created or step.cancelled or step.ended:
        record_event(
            "workflow.timer_fired",
            subject=step.instance,
            payload=_step_payload(step),
            actor=TIMER_ACTOR,
        )
    _notify_step(step, actor=TIMER_ACTOR)
    return step


def fire_due_timers(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """The worker's job: fire every instance whose next timer is due, one transaction each, so
    one faulty model cannot hold up the others. Returns how many instances were stepped."""
    now = now or timezone.now()
    due = list(
        ProcessInstance.objects.filter(
            status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now
        )
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:limit]
    )
    fired = 0
    for pk in due:
        try:
            fire_timers(instance=pk)
            fired += 1
        except (ProcessFault, TaskConflict):
            logger.exception("timer step failed", extra={"instance": pk})
    return fired
