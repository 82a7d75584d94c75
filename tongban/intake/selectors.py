"""Reads of the intake: an applicant's applications, a case with its history, the workbench's
queues (tasks joined with their applications), the timeline, messages."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core.calendar import CalendarUnavailable, WorkingDayCalendar
from tongban.core.models import Event
from tongban.core.receipts import receipt_for, receipts_for
from tongban.identity import selectors as identity_selectors
from tongban.identity.models import Business, Official, Person
from tongban.intake.models import Application, Message, Provided, Status, Upload
from tongban.workflow import selectors as workflow_selectors
from tongban.workflow.models import Task

JOINS = ("version__matter__department", "life_event", "person", "business", "department")


def applications_of(*, person: Person, status: str | None = None) -> QuerySet[Application]:
    """Applications for every party the person may follow (themselves, wards, businesses),
    newest first; life events' children are shown within their parent."""
    parties = identity_selectors.relations_of(person=person)
    people = [r.party.pk for r in parties if isinstance(r.party, Person)]
    businesses = [
        r.party.pk for r in parties if isinstance(r.party, Business) and "track" in r.scopes
    ]
    qs = Application.objects.filter(
        Q(person_id__in=people) | Q(business_id__in=businesses), parent__isnull=True
    ).select_related(*JOINS)
    return qs.filter(status=status) if status else qs


def application(*, pk: int) -> Application | None:
    return (
        Application.objects.select_related(
            *JOINS, "created_by", "registered_by__account", "decided_by__account", "licence"
        )
        .filter(pk=pk)
        .first()
    )


def application_to_act_on(*, pk: int) -> Application | None:
    """The application with what the permission to read it looks at (its party), for a write
    that locks and reads it again: `application`'s joins cost ~5 ms of ORM work a request."""
    return Application.objects.select_related("person", "business").filter(pk=pk).first()


def uploads_of(application: Application) -> QuerySet[Upload]:
    """The case's files; a life event's child shows the files handed in once for all."""
    ids = [application.pk] + ([application.parent_id] if application.parent_id else [])
    return Upload.objects.filter(application_id__in=ids)


def working_days_left(due_on: datetime.date | None, today: datetime.date | None = None):
    """Working days from today to the due date (negative: overdue), None without one."""
    if due_on is None:
        return None
    try:
        return WorkingDayCalendar().working_days_between(today or timezone.localdate(), due_on)
    except CalendarUnavailable:
        return (due_on - (today or timezone.localdate())).days


@dataclass
class TimelineEntry:
    at: datetime.datetime
    kind: str
    actor: str
    event_id: int


def timeline(application: Application) -> list[TimelineEntry]:
    """The application's steps as recorded in the outbox (what the ledger seals)."""
    ids = [str(application.pk)] + [
        str(pk) for pk in application.children.values_list("pk", flat=True)
    ]
    events = Event.objects.filter(subject_type="intake.application", subject_id__in=ids).order_by(
        "occurred_at", "id"
    )
    return [
        TimelineEntry(e.occurred_at, e.kind.removeprefix("intake.application."), e.actor, e.pk)
        for e in events
        if not e.kind.endswith("draft_saved")
    ]


def receipt(application: Application):
    """The ledger receipt of the submission (None until sealed)."""
    return receipt_for(application.submission_event) if application.submission_event else None


def decision_receipt(application: Application):
    return receipt_for(application.decision_event) if application.decision_event else None


def tasks_of(application: Application) -> list[Task]:
    instance = workflow_selectors.process_for(
        subject_type="intake.application", subject_id=str(application.pk)
    )
    return list(workflow_selectors.tasks_of(instance=instance)) if instance else []


def active_tasks_for(application: Application, official: Official | None) -> list[Task]:
    """The case's tasks this official may act on now."""
    if official is None:
        return []
    roles = {r.role for r in official.roles.all()}
    return [
        t
        for t in tasks_of(application)
        if t.status in (Task.Status.OPEN, Task.Status.CLAIMED, Task.Status.SUPPLEMENT)
        and t.department_id == official.department_id
        and t.role in roles
        and (t.assignee_id in (None, official.pk))
    ]


@dataclass
class QueueRow:
    task: Task
    application: Application
    days_left: int | None


def _rows(tasks, *, matter: int | None = None, status: str | None = None) -> list[QueueRow]:
    tasks = list(tasks.filter(instance__subject_type="intake.application")[:500])
    apps = Application.objects.select_related(*JOINS).in_bulk(
        [int(t.instance.subject_id) for t in tasks]
    )
    calendar = WorkingDayCalendar()
    today = timezone.localdate()
    rows = []
    for t in tasks:
        app = apps.get(int(t.instance.subject_id))
        if app is None:
            continue
        if matter and app.version and app.version.matter_id != matter:
            continue
        if status and app.status != status:
            continue
        try:
            left = calendar.working_days_between(today, app.due_on) if app.due_on else None
        except CalendarUnavailable:
            left = None
        rows.append(QueueRow(t, app, left))
    return rows


def my_queue(*, official: Official, due_before=None, matter=None, status=None) -> list[QueueRow]:
    """Tasks the official may work on (their department, their roles, not a colleague's)."""
    return _rows(
        workflow_selectors.queue_for(official=official, due_before=due_before),
        matter=matter,
        status=status,
    )


def department_queue(*, official: Official, due_before=None, matter=None, status=None):
    return _rows(
        workflow_selectors.department_queue(department=official.department, due_before=due_before),
        matter=matter,
        status=status,
    )


def overdue(*, official: Official) -> QuerySet[Application]:
    return Application.objects.filter(
        department_id=official.department_id,
        status__in=(Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW),
        due_on__lt=timezone.localdate(),
    ).select_related(*JOINS)


def messages_of(*, account) -> QuerySet[Message]:
    return Message.objects.filter(account=account).select_related("application")


def unread_count(*, account) -> int:
    return Message.objects.filter(account=account, read_at__isnull=True).count()


__all__ = ["receipts_for"]


@dataclass
class ProvidedRow:
    """A material provided by government, as the applicant and the official see it."""

    material: str
    source: str
    department: str
    result: str
    result_code: str
    found: bool
    values: list  # [(field title, value shown)]
    access_log_id: int | None


def provided_of(application: Application) -> list[ProvidedRow]:
    """What was fetched from the registries for the application (a life event's child: for
    the whole event), with the registry and department it came from; ID numbers masked."""
    from tongban.catalog.models import Material
    from tongban.core.identifiers import mask_id_number
    from tongban.exchange.models import Registry

    ids = [application.pk] + ([application.parent_id] if application.parent_id else [])
    rows = list(Provided.objects.filter(application_id__in=ids).select_related("source_department"))
    if not rows:
        return []
    names = dict(
        Material.objects.filter(code__in=[r.material_code for r in rows]).values_list(
            "code", "name"
        )
    )
    registries = {
        r.code: r for r in Registry.objects.filter(code__in={row.registry_code for row in rows})
    }
    shown = []
    for row in rows:
        registry = registries.get(row.registry_code)
        values = []
        for name, value in row.values.items():
            spec = registry.properties.get(name, {}) if registry else {}
            if isinstance(value, str) and (
                spec.get("format") == "cn-id-number" or name.endswith("id_number")
            ):
                value = mask_id_number(value)
            values.append((registry.field_title(name) if registry else name, value))
        shown.append(
            ProvidedRow(
                material=names.get(row.material_code, row.material_code),
                source=row.source_name,
                department=row.source_department.name if row.source_department_id else "",
                result=row.get_result_display(),
                result_code=row.result,
                found=row.result == Provided.Result.FOUND,
                values=values,
                access_log_id=row.access_log_id,
            )
        )
    return shown
