"""Reads of the exchange, shaped for pages and APIs (no N+1)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

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
    those an investigating authority may still keep from them (delayed disclosure)."""
    now = now or timezone.now()
    lines = (
        AccessLog.objects.select_related("client", "department", "registry")
        .filter(subject_index=subject_index, result=AccessLog.ALLOWED)
        .filter(Q(disclose_after__isnull=True) | Q(disclose_after__lte=now))
    )
    if registry_code:
        lines = lines.filter(registry__code=registry_code)
    return lines.order_by("-at", "-id")


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
