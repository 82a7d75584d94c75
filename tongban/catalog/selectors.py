"""Reads of the catalogue, shaped for pages, APIs and later stages (intake, workflow)."""

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from tongban.catalog import catalogue_format as fmt
from tongban.catalog.formschema import merge_forms
from tongban.catalog.models import (
    LifeEvent,
    LifeEventMatter,
    Material,
    Matter,
    MatterVersion,
    Theme,
)
from tongban.catalog.search import Hit
from tongban.catalog.situations import materials_for
from tongban.core.calendar import CalendarUnavailable, add_working_days
from tongban.core.models import Department

Status = MatterVersion.Status


# What a listing never shows: the large JSON parts of a guide.
GUIDE_ONLY = ("form_schema", "situations", "conditions", "process_steps", "faqs", "legal_basis")


def published_versions() -> QuerySet[MatterVersion]:
    """Every matter's public version, with what a listing shows (not the guide's details)."""
    return (
        MatterVersion.objects.filter(status=Status.PUBLISHED)
        .select_related("matter__department")
        .defer(*GUIDE_ONLY)
        .order_by("name", "pk")
    )


def published_guides() -> QuerySet[MatterVersion]:
    """Every matter's public version in full (GovStack's service list carries its facts)."""
    return (
        MatterVersion.objects.filter(status=Status.PUBLISHED)
        .select_related("matter__department")
        .order_by("name", "pk")
    )


def with_guide(queryset: QuerySet[MatterVersion]) -> QuerySet[MatterVersion]:
    """Everything a guide page or a detail answer reads, in a fixed number of queries."""
    return queryset.select_related("matter__department").prefetch_related(
        "themes",
        "involved_departments",
        Prefetch("materials", queryset=Material.objects.select_related("source_department")),
    )


def browse(
    *,
    department: int | None = None,
    theme: str | None = None,
    audience: str | None = None,
    name: str | None = None,
) -> QuerySet[MatterVersion]:
    """Published versions filtered by department (pk), theme (code), audience and exact name."""
    versions = published_versions()
    if department is not None:
        versions = versions.filter(matter__department_id=department)
    if theme:
        versions = versions.filter(themes__code=theme)
    if audience == "person":
        versions = versions.filter(for_persons=True)
    elif audience == "business":
        versions = versions.filter(for_businesses=True)
    if name:
        versions = versions.filter(name=name)
    return versions


def public_version(service_id: uuid.UUID, number: int | None = None) -> MatterVersion:
    """The published version of a matter, or its version `number` if that was ever public
    (an application made under it must be able to show its guide). Raises DoesNotExist."""
    versions = with_guide(MatterVersion.objects.filter(matter__service_id=service_id))
    if number is None:
        return versions.get(status=Status.PUBLISHED)
    return versions.get(number=number, status__in=[Status.PUBLISHED, Status.WITHDRAWN])


def version_by_id(pk: int) -> MatterVersion:
    return with_guide(MatterVersion.objects.all()).get(pk=pk)


def matter_versions(matter: Matter) -> QuerySet[MatterVersion]:
    return MatterVersion.objects.filter(matter=matter).order_by("number")


def versions_for_hits(hits: list[Hit]) -> list[MatterVersion]:
    """The versions behind search hits, in rank order, in one query."""
    wanted = [hit.pk for hit in hits if hit.kind == "matter"]
    found = published_versions().prefetch_related("themes").in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def life_events_for_hits(hits: list[Hit]) -> list[LifeEvent]:
    wanted = [hit.pk for hit in hits if hit.kind == "life_event"]
    found = life_events().in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def themes(audience: str | None = None) -> QuerySet[Theme]:
    """Themes with the number of published matters in each."""
    queryset = Theme.objects.annotate(
        matter_count=Count("versions", filter=Q(versions__status=Status.PUBLISHED))
    )
    return queryset.filter(audience=audience) if audience else queryset


def departments_with_matters() -> QuerySet[Department]:
    """Departments with the number of their published matters."""
    return Department.objects.select_related("region").annotate(
        matter_count=Count("matters", filter=Q(matters__versions__status=Status.PUBLISHED))
    )


def life_events(audience: str | None = None) -> QuerySet[LifeEvent]:
    queryset = LifeEvent.objects.annotate(matter_count=Count("steps"))
    return queryset.filter(audience=audience) if audience else queryset


def deadline(version: MatterVersion, start: datetime.date) -> datetime.date | None:
    """The day the committed time limit ends for an application made on `start`, in working
    days; None when the calendar does not reach that far yet."""
    if version.committed_time_limit is None:
        return None
    try:
        return add_working_days(start, version.committed_time_limit)
    except CalendarUnavailable:
        return None


@dataclass(frozen=True)
class BundledMaterial:
    """One material of a life event's single material list (一套材料), with the matters
    that need it."""

    material: Material
    versions: list[MatterVersion]


@dataclass(frozen=True)
class LifeEventBundle:
    event: LifeEvent
    versions: list[MatterVersion]  # the published version of each bundled matter, in order
    missing: list[Matter]  # bundled matters with no published version
    form: dict  # one combined form schema (一表申请)
    situations: list[dict]  # each question once
    materials: list[BundledMaterial]

    @property
    def max_visits(self) -> int:
        return max((v.max_visits for v in self.versions), default=0)

    @property
    def committed_days(self) -> int:
        return max((v.committed_time_limit or 0 for v in self.versions), default=0)


def material_identity(material: Material) -> tuple[str, ...]:
    """Two matters' materials are the same when they are the same e-licence type, or the
    same registry field about the same person (the name says whose: 母亲居民身份证 and
    参保人居民身份证 are two records), or (handed in by the applicant) carry the same name."""
    name = "".join(material.name.split())
    if material.source == Material.Source.REGISTRY:
        return ("registry", material.registry_code, material.registry_field, name)
    if material.source == Material.Source.LICENCE:
        return ("licence", material.licence_type)
    return ("applicant", name)


def life_event_bundle(event: LifeEvent, answers: Mapping[str, object]) -> LifeEventBundle:
    """A life event's combined form, its questions (asked once across matters: the same
    situation code is the same question) and its deduplicated material list for `answers`."""
    steps = list(event.steps.select_related("matter").order_by("order"))
    published = {
        v.matter_id: v
        for v in with_guide(
            MatterVersion.objects.filter(
                matter_id__in=[s.matter_id for s in steps], status=Status.PUBLISHED
            )
        )
    }
    versions = [published[s.matter_id] for s in steps if s.matter_id in published]
    missing = [s.matter for s in steps if s.matter_id not in published]
    answers = {**answers, **event.answers}  # what the event settles is not asked
    situations: dict[str, dict] = {}
    for version in versions:
        for situation in version.situations:
            if situation["code"] not in event.answers:
                situations.setdefault(situation["code"], situation)
    merged: dict[tuple[str, ...], BundledMaterial] = {}
    for version in versions:
        for material in materials_for(version, answers):
            key = material_identity(material)
            if key in merged:
                merged[key].versions.append(version)
            else:
                merged[key] = BundledMaterial(material, [version])
    return LifeEventBundle(
        event=event,
        versions=versions,
        missing=missing,
        form=merge_forms([v.form_schema for v in versions]),
        situations=list(situations.values()),
        materials=list(merged.values()),
    )


def life_event_by_code(code: str) -> LifeEvent:
    return LifeEvent.objects.prefetch_related(
        Prefetch("steps", queryset=LifeEventMatter.objects.select_related("matter"))
    ).get(code=code)


def export_catalogue() -> dict:
    """The whole catalogue as one document of the catalogue format (every version of every
    matter, in a stable order): `tongban catalog export` prints it."""
    matters = Matter.objects.select_related("department").prefetch_related(
        Prefetch(
            "versions",
            queryset=with_guide(MatterVersion.objects.order_by("number")),
        )
    )
    events = LifeEvent.objects.prefetch_related(
        Prefetch("steps", queryset=LifeEventMatter.objects.select_related("matter"))
    )
    return {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "themes": [
            {
                "code": t.code,
                "name": t.name,
                "name_en": t.name_en,
                "audience": t.audience,
                "order": t.order,
            }
            for t in Theme.objects.order_by("code")
        ],
        "matters": [
            {
                "id": str(m.service_id),
                "implementation_code": m.implementation_code,
                "department": m.department.credit_code,
                "versions": [fmt.version_document(v) for v in m.versions.all()],
            }
            for m in matters.order_by("implementation_code")
        ],
        "life_events": [
            {
                "code": e.code,
                "name": e.name,
                "name_en": e.name_en,
                "summary": e.summary,
                "audience": e.audience,
                "order": e.order,
                "matters": [s.matter.implementation_code for s in e.steps.all()],
                "answers": e.answers,
            }
            for e in events.order_by("code")
        ],
    }


# --- the editor's workbench ---------------------------------------------------------------


@dataclass(frozen=True)
class MatterRow:
    """One matter of a department's list: its public version and its open one, if any."""

    matter: Matter
    published: MatterVersion | None
    open: MatterVersion | None
    latest: MatterVersion | None


def department_matters(department: Department) -> list[MatterRow]:
    """The department's matters (published, in progress or withdrawn), by name."""
    matters = Matter.objects.filter(department=department).prefetch_related(
        Prefetch(
            "versions",
            queryset=MatterVersion.objects.only(
                "pk", "matter_id", "number", "status", "name", "updated_at", "submitted_at"
            ).order_by("-number"),
        )
    )
    rows = []
    for matter in matters:
        versions = list(matter.versions.all())
        rows.append(
            MatterRow(
                matter=matter,
                published=next((v for v in versions if v.status == Status.PUBLISHED), None),
                open=next((v for v in versions if v.status in fmt.OPEN), None),
                latest=versions[0] if versions else None,
            )
        )
    return sorted(rows, key=lambda row: (row.latest.name if row.latest else "", row.matter.pk))


def review_queue() -> QuerySet[MatterVersion]:
    """Versions waiting for the platform's review (待审核), the longest waiting first."""
    return (
        MatterVersion.objects.filter(status=Status.IN_REVIEW)
        .select_related("matter__department")
        .defer(*GUIDE_ONLY)
        .order_by("submitted_at", "pk")
    )


def compared_with(version: MatterVersion) -> MatterVersion | None:
    """What an editor compares `version` with: for a draft or a version in review, the
    matter's published version; otherwise the version before it that was public."""
    versions = with_guide(MatterVersion.objects.filter(matter_id=version.matter_id))
    if version.status in fmt.OPEN:
        return versions.filter(status=Status.PUBLISHED).first()
    return (
        versions.filter(number__lt=version.number, status__in=[Status.PUBLISHED, Status.WITHDRAWN])
        .order_by("-number")
        .first()
    )


def review_notes(version: MatterVersion):
    return version.review_notes.order_by("-created_at", "-pk")
