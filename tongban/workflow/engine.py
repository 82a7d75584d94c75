"""Running SpiffWorkflow for one instance: load, step, mirror the user tasks, save.

Services own the transaction; this module owns the engine's rules:

- a workflow is always built or restored with the restricted script engine;
- an engine step is bounded (`MAX_ENGINE_STEPS`), so a model that loops without a user task
  fails with a `ProcessFault` instead of hanging a request or a worker;
- saving compares and increments `ProcessInstance.revision`; a lost race raises
  `StaleProcess`, and the caller recomputes from the fresh state (see `services._step`);
- after every step the ready user tasks are mirrored as `Task` rows (new ones created, ones the
  engine withdrew, e.g. by an interrupting timer, cancelled)."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from tongban.core.api import Conflict
from tongban.core.models import Department
from tongban.workflow.bpmn import SERIALIZER, build_spec
from tongban.workflow.expressions import ExpressionError
from tongban.workflow.models import ProcessDefinition, ProcessInstance, Task
from tongban.workflow.script_engine import ENGINE

MAX_ENGINE_STEPS = 1000


class ProcessFault(Conflict):
    """The model could not run on this data (an expression failed, a task names no existing
    department, an endless loop). Nothing was changed; the message names the element."""

    def __init__(self, message: str):
        super().__init__("process_fault", message)


class StaleProcess(Exception):
    """Another transaction saved this instance since it was loaded."""


@dataclass
class Step:
    """What one engine step did: the instance, the tasks it created and withdrew, and, when the
    process reached an end event, which one and the final process data."""

    instance: ProcessInstance
    created: list[Task] = field(default_factory=list)
    cancelled: list[Task] = field(default_factory=list)
    end_event: str = ""
    data: dict = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return bool(self.end_event)


def _fault(error: Exception) -> ProcessFault:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    spec = getattr(error, "task_spec", None)
    if spec is not None and getattr(spec, "bpmn_id", None):
        message = _("%(element)s: %(error)s") % {"element": spec.bpmn_id, "error": message}
    return ProcessFault(message)


def new_workflow(definition: ProcessDefinition, data: dict) -> BpmnWorkflow:
    spec, subprocess_specs = build_spec(definition.bpmn.encode(), definition.process_id)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=ENGINE)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    return workflow


def load(instance: ProcessInstance) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(instance.state)
    workflow.script_engine = ENGINE
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def advance(workflow: BpmnWorkflow, *, refresh_timers: bool = False) -> None:
    """Run every automatic step (gateways, scripts, fired timers) until only user tasks and
    waiting events remain."""
    steps = 0

    def count(_task):
        nonlocal steps
        steps += 1
        if steps > MAX_ENGINE_STEPS:
            raise ProcessFault(
                _("The process ran %(count)d automatic steps without waiting for anyone.")
                % {"count": MAX_ENGINE_STEPS}
            )

    try:
        if refresh_timers:
            workflow.refresh_timers()
        workflow.do_engine_steps(did_complete_task=count)
        while workflow.get_tasks(state=TaskState.READY, manual=False):
            workflow.do_engine_steps(did_complete_task=count)
    except ProcessFault:
        raise
    except (SpiffWorkflowException, ExpressionError) as error:
        raise _fault(error) from error


def complete(workflow: BpmnWorkflow, spiff_id: uuid.UUID, values: dict) -> None:
    """Write the official's outcome and fields into the task's data, run it, and advance."""
    spiff_task = workflow.get_task_from_id(spiff_id)
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict("task_closed", _("The process has moved on; this task is closed."))
    spiff_task.data.update(values)
    try:
        spiff_task.run()
    except (SpiffWorkflowException, ExpressionError) as error:
        raise _fault(error) from error
    advance(workflow)


def next_timer(workflow: BpmnWorkflow) -> datetime.datetime | None:
    """When the earliest waiting timer of the workflow falls due (None: no timer waits)."""
    moments = []
    for event in workflow.waiting_events():
        if "Time" not in event.event_type:  # TimeDate, DurationTimer, CycleTimer
            continue
        value = event.value
        if isinstance(value, str):
            moments.append(TimerEventDefinition.get_datetime(value))
    return min(moments) if moments else None


def end_event(workflow: BpmnWorkflow) -> str:
    """The BPMN id of the end event the finished workflow reached last."""
    ends = [
        task
        for task in workflow.get_tasks(state=TaskState.COMPLETED)
        if isinstance(task.task_spec, EndEvent) and task.task_spec.bpmn_id
    ]
    if not ends:
        return "end"
    return max(ends, key=lambda task: task.last_state_change).task_spec.bpmn_id


def save(instance: ProcessInstance, workflow: BpmnWorkflow) -> Step:
    """Compare-and-set the instance's state; `StaleProcess` when another step got there first."""
    finished = workflow.is_completed()
    values = {
        "state": dump(workflow),
        "revision": F("revision") + 1,
        "next_timer_at": None if finished else next_timer(workflow),
    }
    step = Step(instance)
    if finished:
        step.end_event = end_event(workflow)
        step.data = dict(workflow.data)
        values.update(
            status=ProcessInstance.Status.COMPLETED,
            end_event=step.end_event,
            ended_at=timezone.now(),
        )
    updated = ProcessInstance.objects.filter(pk=instance.pk, revision=instance.revision).update(
        **values
    )
    if not updated:
        raise StaleProcess(instance.pk)
    values["revision"] = instance.revision + 1
    for name, value in values.items():
        setattr(instance, name, value)
    return step


def _department_ids(workflow: BpmnWorkflow, spiff_task) -> int:
    expression = spiff_task.task_spec.extensions["properties"]["department"]
    try:
        value = ENGINE.evaluate(spiff_task, expression)
    except SpiffWorkflowException as error:
        raise _fault(error) from error
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ProcessFault(
            _(
                "%(element)s: the department expression %(expression)s gave %(value)r, not a department id."  # noqa: E501
            )
            % {"element": spiff_task.task_spec.bpmn_id, "expression": expression, "value": value}
        )
    return int(value)


def sync_tasks(step: Step, workflow: BpmnWorkflow) -> Step:
    """Mirror the workflow's ready user tasks as `Task` rows (one query to read, one to create)."""
    instance = step.instance
    ready = {t.id: t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    active = {row.spiff_id: row for row in instance.tasks.active()}
    for spiff_id, row in active.items():
        if spiff_id not in ready:
            Task.objects.filter(pk=row.pk).update(
                status=Task.Status.CANCELLED, version=F("version") + 1
            )
            row.status = Task.Status.CANCELLED
            step.cancelled.append(row)
    new = [t for spiff_id, t in ready.items() if spiff_id not in active]
    if not new:
        return step
    wanted = {t.id: _department_ids(workflow, t) for t in new}
    departments = Department.objects.in_bulk(set(wanted.values()))
    rows = []
    for spiff_task in new:
        spec = spiff_task.task_spec
        department = departments.get(wanted[spiff_task.id])
        if department is None:
            raise ProcessFault(
                _("%(element)s: department %(id)s does not exist.")
                % {"element": spec.bpmn_id, "id": wanted[spiff_task.id]}
            )
        properties = spec.extensions["properties"]
        rows.append(
            Task(
                instance=instance,
                spiff_id=spiff_task.id,
                element_id=spec.bpmn_id,
                name=(spec.bpmn_name or spec.bpmn_id)[:200],
                department=department,
                role=properties["role"],
                outcomes=properties.get("outcomes", "").split(),
                fields=properties.get("fields", "").split(),
            )
        )
    step.created = Task.objects.bulk_create(rows)
    return step
