"""Reads for the workbench and for intake: queues, a subject's process, its tasks.

Every queue is one query (tasks with their instance, definition, department and assignee
joined); an official's roles are read once."""

import datetime

from django.db.models import F, Q, QuerySet

from tongban.core.models import Department
from tongban.identity.models import Official
from tongban.workflow.models import ProcessDefinition, ProcessInstance, Task

_JOINS = ("instance__definition", "department", "assignee__account")


def _filtered(
    tasks: QuerySet,
    *,
    status: str | None,
    due_before: datetime.date | None,
    subject_type: str | None,
) -> QuerySet:
    tasks = tasks.filter(status=status) if status else tasks.active()
    if due_before is not None:
        tasks = tasks.filter(instance__due_on__lte=due_before)
    if subject_type is not None:
        tasks = tasks.filter(instance__subject_type=subject_type)
    return tasks.select_related(*_JOINS).order_by(
        F("instance__due_on").asc(nulls_last=True), "created_at", "id"
    )


def queue_for(
    *,
    official: Official,
    status: str | None = None,
    due_before: datetime.date | None = None,
    subject_type: str | None = None,
) -> QuerySet[Task]:
    """Tasks the official may work on: their department's, for roles they hold, not claimed by
    a colleague — soonest due first."""
    roles = [role.role for role in official.roles.all()]
    tasks = Task.objects.filter(department_id=official.department_id, role__in=roles).filter(
        Q(assignee__isnull=True) | Q(assignee=official)
    )
    return _filtered(tasks, status=status, due_before=due_before, subject_type=subject_type)


def claimed_by(*, official: Official, status: str | None = None) -> QuerySet[Task]:
    """The official's own tasks (claimed, or parked for a supplement)."""
    return _filtered(
        Task.objects.filter(assignee=official), status=status, due_before=None, subject_type=None
    )


def department_queue(
    *,
    department: Department,
    status: str | None = None,
    due_before: datetime.date | None = None,
    subject_type: str | None = None,
) -> QuerySet[Task]:
    """Every active task of a department (the head's overview), soonest due first."""
    return _filtered(
        Task.objects.filter(department=department),
        status=status,
        due_before=due_before,
        subject_type=subject_type,
    )


def process_for(*, subject_type: str, subject_id: str) -> ProcessInstance | None:
    """The subject's latest process (running or ended), or None."""
    return (
        ProcessInstance.objects.select_related("definition")
        .filter(subject_type=subject_type, subject_id=str(subject_id))
        .order_by("-started_at", "-id")
        .first()
    )


def tasks_of(*, instance: ProcessInstance) -> QuerySet[Task]:
    """All tasks of a process, in the order they were created (the case history)."""
    return instance.tasks.select_related("department", "assignee__account", "completed_by__account")


def latest_definition(*, key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key).order_by("-version").first()
