"""`/api/v1/catalog/`: the public catalogue (list, filter, search, guide, personalized checklist,
life events) and the editing of drafts through their lifecycle (signed-in officials).

Version content travels in the catalogue format (docs/catalog-format.md), validated by its
JSON Schema: one shape for editing, import, export and these answers."""

import uuid
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StrictStr

from tongban.catalog import catalogue_format as fmt
from tongban.catalog import selectors, services
from tongban.catalog.models import LifeEvent, Material, Matter, MatterVersion
from tongban.catalog.search import MAX_QUERY_LENGTH, search
from tongban.catalog.situations import checklist_for
from tongban.core.api import BodyIn, errors
from tongban.core.models import Department
from tongban.core.permissions import require

router = Router(tags=["catalog"])
# Path ids within the database's integer ranges: a larger number is a 422, not a 500.
VersionId = Annotated[int, Path(ge=1, le=2**63 - 1)]
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]
AudienceParam = Literal["person", "business"]


class DepartmentOut(Schema):
    credit_code: str
    name: str


class MatterSummaryOut(Schema):
    service_id: uuid.UUID
    implementation_code: str
    version: int
    name: str
    name_en: str
    department: DepartmentOut
    matter_type: str
    audiences: list[str]
    themes: list[str]
    instant_approval: bool
    max_visits: int
    committed_time_limit: int | None
    free: bool


class MaterialOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    necessity: str
    copies: int
    source: str
    government_held: bool
    source_department: str | None
    registry_code: str
    registry_field: str
    licence_type: str
    blank_form: str
    sample: str
    acceptance_standard: str
    notes: str


class ConditionOut(Schema):
    code: str
    text: str
    text_en: str
    situational: bool


class OptionOut(Schema):
    code: str
    label: str
    label_en: str
    add_materials: list[str]
    remove_materials: list[str]
    add_conditions: list[str]
    remove_conditions: list[str]


class SituationOut(Schema):
    code: str
    question: str
    question_en: str
    options: list[OptionOut]


class FeeOut(Schema):
    item: str
    standard: str
    basis: str
    waivable: bool


class StepOut(Schema):
    name: str
    description: str


class FaqOut(Schema):
    question: str
    answer: str


class VersionOut(Schema):
    """A version in full: the catalogue format's content plus where it stands."""

    id: int
    service_id: uuid.UUID
    implementation_code: str
    department: DepartmentOut
    number: int
    status: str
    published_at: str | None
    withdrawn_at: str | None
    name: str
    name_en: str
    basic_code: str
    matter_type: str
    exercise_level: str
    legal_basis: str
    summary: str
    keywords: list[str]
    audiences: list[str]
    themes: list[str]
    conditions: list[ConditionOut]
    legal_time_limit: int | None
    committed_time_limit: int | None
    fees: list[FeeOut]
    online_depth: str
    max_visits: int
    process_steps: list[StepOut]
    location: str
    office_hours: str
    consultation: str
    complaint: str
    faqs: list[FaqOut]
    result_name: str
    result_licence_type: str
    instant_approval: bool
    decision_reference: str
    process_key: str
    involved_departments: list[str]
    form_schema: dict[str, Any]
    situations: list[SituationOut]
    no_materials: bool
    materials: list[MaterialOut]


class MatterPageOut(Schema):
    count: int
    items: list[MatterSummaryOut]


class LifeEventSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    summary: str
    audience: str


class SearchOut(Schema):
    matters: list[MatterSummaryOut]
    life_events: list[LifeEventSummaryOut]


class ThemeOut(Schema):
    code: str
    name: str
    name_en: str
    audience: str
    matter_count: int


class AnswersIn(BodyIn):
    """Situation answers: `{situation code: option code}`."""

    answers: dict[StrictStr, StrictStr] = Field(default_factory=dict, max_length=100)


class ChecklistOut(Schema):
    materials: list[MaterialOut]
    conditions: list[ConditionOut]
    unanswered: list[str]


class BundledMaterialOut(Schema):
    material: MaterialOut
    needed_by: list[uuid.UUID]


class LifeEventOut(LifeEventSummaryOut):
    matters: list[MatterSummaryOut]
    answers: dict[str, str]  # situation answers the event itself settles
    missing: list[str]
    form_schema: dict[str, Any]
    situations: list[SituationOut]
    materials: list[BundledMaterialOut]


class ContentIn(BodyIn):
    content: dict[str, Any]


class NewMatterIn(ContentIn):
    department: StrictStr = Field(description="The owning department's credit code")
    implementation_code: StrictStr


class VersionStateOut(Schema):
    id: int
    service_id: uuid.UUID
    number: int
    status: str


def summary(version: MatterVersion) -> dict:
    matter = version.matter
    return {
        "service_id": matter.service_id,
        "implementation_code": matter.implementation_code,
        "version": version.number,
        "name": version.name,
        "name_en": version.name_en,
        "department": department_out(matter.department),
        "matter_type": version.matter_type,
        "audiences": version.audiences,
        "themes": sorted(t.code for t in version.themes.all()),
        "instant_approval": version.instant_approval,
        "max_visits": version.max_visits,
        "committed_time_limit": version.committed_time_limit,
        "free": version.is_free,
    }


def department_out(department: Department) -> dict:
    return {"credit_code": department.credit_code, "name": department.name}


def material_out(material: Material) -> dict:
    return {**fmt.material_document(material), "government_held": material.government_held}


def version_out(version: MatterVersion) -> dict:
    return {
        "id": version.pk,
        "service_id": version.matter.service_id,
        "implementation_code": version.matter.implementation_code,
        "department": department_out(version.matter.department),
        **fmt.version_document(version),
        "materials": [material_out(m) for m in version.materials.all()],
    }


def state_out(version: MatterVersion) -> dict:
    return {
        "id": version.pk,
        "service_id": version.matter.service_id,
        "number": version.number,
        "status": version.status,
    }


def checklist_out(version: MatterVersion, answers: dict) -> dict:
    checklist = checklist_for(version, answers)
    return {
        "materials": [material_out(m) for m in checklist.materials],
        "conditions": checklist.conditions,
        "unanswered": [s["code"] for s in checklist.unanswered],
    }


def life_event_summary(event: LifeEvent) -> dict:
    return {
        "code": event.code,
        "name": event.name,
        "name_en": event.name_en,
        "summary": event.summary,
        "audience": event.audience,
    }


def department_pk(credit_code: str | None) -> int | None:
    """The pk of a department named by credit code; -1 (matches nothing) when unknown."""
    if not credit_code:
        return None
    return (
        Department.objects.filter(credit_code=credit_code).values_list("pk", flat=True).first()
        or -1
    )


# --- public reads -------------------------------------------------------------------------


class MatterFilters(Schema):
    department: str | None = Field(None, max_length=18, description="credit code")
    theme: str | None = Field(None, max_length=50)
    audience: AudienceParam | None = None
    name: str | None = Field(None, max_length=200, description="exact name")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/matters", response={200: MatterPageOut, **errors()}, auth=None)
def list_matters(request, filters: Query[MatterFilters]):
    """Published matters, filtered by department, theme, audience or exact name."""
    versions = selectors.browse(
        department=department_pk(filters.department),
        theme=filters.theme,
        audience=filters.audience,
        name=filters.name,
    ).prefetch_related("themes")
    page = versions[filters.offset : filters.offset + filters.limit]
    return {"count": versions.count(), "items": [summary(v) for v in page]}


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY_LENGTH)
    department: str | None = Field(None, max_length=18)
    theme: str | None = Field(None, max_length=50)
    audience: AudienceParam | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get("/search", response={200: SearchOut, **errors()}, auth=None)
def search_catalogue(request, filters: Query[SearchFilters]):
    """Ranked search; understands Traditional input, colloquial phrasing and typos."""
    hits = search(
        filters.q,
        department=department_pk(filters.department),
        theme=filters.theme,
        audience=filters.audience,
        limit=filters.limit,
    )
    return {
        "matters": [summary(v) for v in selectors.versions_for_hits(hits)],
        "life_events": [life_event_summary(e) for e in selectors.life_events_for_hits(hits)],
    }


@router.get("/themes", response={200: list[ThemeOut], **errors()}, auth=None)
def list_themes(request, audience: AudienceParam | None = None):
    return list(selectors.themes(audience))


@router.get("/matters/{service_id}", response={200: VersionOut, **errors(404)}, auth=None)
def matter_detail(request, service_id: uuid.UUID):
    """The published version's full guide."""
    return version_out(selectors.public_version(service_id))


@router.get(
    "/matters/{service_id}/versions/{number}",
    response={200: VersionOut, **errors(404)},
    auth=None,
)
def matter_version(request, service_id: uuid.UUID, number: VersionNumber):
    """A version that is or was published (applications refer to the exact version)."""
    return version_out(selectors.public_version(service_id, number))


@router.post(
    "/matters/{service_id}/checklist", response={200: ChecklistOut, **errors(404)}, auth=None
)
def matter_checklist(request, service_id: uuid.UUID, body: AnswersIn):
    """The personalized conditions and materials for these situation answers."""
    return checklist_out(selectors.public_version(service_id), body.answers)


@router.get("/life-events", response={200: list[LifeEventSummaryOut], **errors()}, auth=None)
def list_life_events(request):
    return [life_event_summary(e) for e in selectors.life_events()]


def life_event_out(code: str, answers: dict) -> dict:
    bundle = selectors.life_event_bundle(selectors.life_event_by_code(code), answers)
    return {
        **life_event_summary(bundle.event),
        "matters": [summary(v) for v in bundle.versions],
        "answers": bundle.event.answers,
        "missing": [m.implementation_code for m in bundle.missing],
        "form_schema": bundle.form,
        "situations": bundle.situations,
        "materials": [
            {
                "material": material_out(item.material),
                "needed_by": [v.matter.service_id for v in item.versions],
            }
            for item in bundle.materials
        ],
    }


@router.get("/life-events/{code}", response={200: LifeEventOut, **errors(404)}, auth=None)
def life_event_detail(request, code: str):
    """A life event with its combined form and deduplicated materials (no answers yet)."""
    return life_event_out(code, {})


@router.post(
    "/life-events/{code}/checklist", response={200: LifeEventOut, **errors(404)}, auth=None
)
def life_event_checklist(request, code: str, body: AnswersIn):
    return life_event_out(code, body.answers)


# --- editing (officials) ------------------------------------------------------------------


def version_for(request, version_id: int) -> MatterVersion:
    version = get_object_or_404(selectors.with_guide(MatterVersion.objects.all()), pk=version_id)
    require(request.user, "catalog.view_drafts", version)
    return version


@router.get("/versions/{version_id}", response={200: VersionOut, **errors(401, 403, 404)})
def draft_detail(request, version_id: VersionId):
    """Any version of a matter the official may edit (drafts included)."""
    return version_out(version_for(request, version_id))


@router.post("/matters", response={201: VersionStateOut, **errors(401, 403)})
def create_matter(request, body: NewMatterIn):
    department = Department.objects.filter(credit_code=body.department).first()
    if department is None:
        raise services.CatalogueInvalid([("department", fmt.unknown_department(body.department))])
    version = services.create_matter(
        actor=request.user,
        department=department,
        implementation_code=body.implementation_code,
        content=body.content,
    )
    return Status(201, state_out(version))


@router.post(
    "/matters/{service_id}/revisions", response={201: VersionStateOut, **errors(401, 403, 404, 409)}
)
def start_revision(request, service_id: uuid.UUID):
    matter = get_object_or_404(Matter, service_id=service_id)
    return Status(201, state_out(services.start_revision(actor=request.user, matter=matter)))


@router.put("/versions/{version_id}", response={200: VersionStateOut, **errors(401, 403, 404, 409)})
def update_draft(request, version_id: VersionId, body: ContentIn):
    version = version_for(request, version_id)
    return state_out(
        services.update_draft(actor=request.user, version=version, content=body.content)
    )


STEPS = {
    "submit": services.submit_version,
    "return": services.return_version,
    "publish": services.publish_version,
    "withdraw": services.withdraw_version,
}


@router.post(
    "/versions/{version_id}/{step}",
    response={200: VersionStateOut, **errors(401, 403, 404, 409)},
)
def move_version(
    request, version_id: VersionId, step: Literal["submit", "return", "publish", "withdraw"]
):
    """Move a version along its lifecycle: submit (department), return or publish (platform
    review), withdraw."""
    version = get_object_or_404(MatterVersion.objects.select_related("matter"), pk=version_id)
    return state_out(STEPS[step](actor=request.user, version=version))
