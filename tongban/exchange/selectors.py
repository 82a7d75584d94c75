"""Reads of the exchange, shaped for pages and APIs (no N+1)."""

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from tongban.core.models import Event
from tongban.core.receipts import receipts_for
from tongban.exchange.models import (
    AccessLog,
    CorrectionRequest,
    Grant,
    QualityRun,
    Registry,
    Resource,
    SystemClient,
)


def catalogue() -> QuerySet[Resource]:
    """Every shared resource with its registry and provider, in code order."""
    return Resource.objects.select_related("registry__department").order_by("code")


def registry_by_code(code: str) -> Registry | None:
    return Registry.objects.select_related("department").filter(code=code).first()


def department_client(department) -> SystemClient | None:
    """The department's first active system client: the one in-process callers (intake)
    fetch through on the department's behalf."""
    return (
        SystemClient.objects.select_related("department", "application")
        .filter(department=department, is_active=True)
        .order_by("id")
        .first()
    )


def grants_for_department(department) -> QuerySet[Grant]:
    """Grants a department's data administrator deals with: its systems' requests and
    requests for its resources."""
    return (
        Grant.objects.select_related("resource__registry__department", "consumer__department")
        .filter(Q(consumer__department=department) | Q(resource__registry__department=department))
        .order_by("-requested_at")
    )


def grants_awaiting_compliance() -> QuerySet[Grant]:
    return (
        Grant.objects.select_related("resource__registry__department", "consumer__department")
        .filter(status=Grant.Status.AWAITING_COMPLIANCE)
        .order_by("compliance_due", "id")
    )


def escalated_grants() -> QuerySet[Grant]:
    return (
        Grant.objects.select_related("resource__registry__department", "consumer__department")
        .filter(escalated_at__isnull=False)
        .filter(status__in=(Grant.Status.AWAITING_COMPLIANCE, Grant.Status.AWAITING_PROVIDER))
    )


def grants_of_client(client: SystemClient) -> QuerySet[Grant]:
    return Grant.objects.select_related("resource").filter(consumer=client).order_by("id")


def data_usage(
    subject_index: str, *, registry_code: str | None = None, now=None
) -> QuerySet[AccessLog]:
    """What the data subject may see: allowed accesses to their data, newest first, without
    those an investigating authority may still keep from them (delayed disclosure). Each
    line carries `access_event_id`, its domain event (whose subject is the line), for
    `with_ledger_receipts`."""
    now = now or timezone.now()
    event_of_line = Event.objects.filter(
        kind="exchange.access",
        subject_type=AccessLog._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), CharField()),
    ).values("id")[:1]
    lines = (
        AccessLog.objects.select_related("client", "department", "registry")
        .filter(subject_index=subject_index, result=AccessLog.ALLOWED)
        .filter(Q(disclose_after__isnull=True) | Q(disclose_after__lte=now))
        .annotate(access_event_id=Subquery(event_of_line))
    )
    if registry_code:
        lines = lines.filter(registry__code=registry_code)
    return lines.order_by("-at", "-id")


def with_ledger_receipts(lines) -> list[AccessLog]:
    """The lines of `data_usage` (e.g. one page), each with `receipt`: where its access sits
    in the tamper-evident ledger, or None while it is not sealed. One query for them all."""
    lines = list(lines)
    receipts = receipts_for(line.access_event_id for line in lines if line.access_event_id)
    for line in lines:
        line.receipt = receipts.get(line.access_event_id)
    return lines


def latest_quality(registries) -> dict[int, QualityRun]:
    """The latest quality run of each registry, by registry id (one query)."""
    runs = {}
    for run in QualityRun.objects.filter(registry__in=registries).order_by(
        "registry_id", "-ran_at"
    ):
        runs.setdefault(run.registry_id, run)
    return runs


def corrections_for_department(department) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.select_related("registry")
        .filter(registry__department=department)
        .order_by("status", "due", "id")
    )


def corrections_of_subject(subject_index: str) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.select_related("registry__department").filter(
        subject_index=subject_index, source=CorrectionRequest.Source.DISPUTE
    )
