"""/api/v1/applications/: applicants draft, hand in materials, submit (with an
`Idempotency-Key`), follow, withdraw and answer supplements; officials list their queue and
claim, decide, ask for supplements and return tasks. Every error is declared."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictInt, StrictStr

from tongban.catalog.models import LifeEvent, MatterVersion
from tongban.core.api import BodyIn, errors
from tongban.core.permissions import allowed
from tongban.identity.models import Business, Person
from tongban.identity.predicates import official_of, person_of
from tongban.intake import prefill, selectors, services
from tongban.intake.models import Application
from tongban.intake.models import Status as AppStatus

router = Router(tags=["applications"])


class UploadOut(Schema):
    id: int
    material: str
    name: str
    content_type: str
    size: int
    sha256: str


class TaskOut(Schema):
    id: int
    step: str
    name: str
    department: str
    role: str
    status: str
    version: int
    outcomes: list[str]
    assignee: str | None
    application_id: int | None = None
    due_on: datetime.date | None = None


class ProvidedOut(Schema):
    """A material provided by government (免提交): `found`, `not_found` (upload it) or
    `unavailable` (the department checks it); the values are shown on the draft page."""

    material: str
    result: str
    source: str
    source_department: str | None


class ApplicationOut(Schema):
    """An application (办件). `status` is the lifecycle status; `number` is empty for drafts."""

    id: int
    number: str
    status: str
    status_label: str
    channel: str
    service: str
    version_id: int | None
    life_event: str | None
    parent_id: int | None
    department: str | None
    applicant: str
    submitted_at: datetime.datetime | None
    due_on: datetime.date | None
    decision_reasons: str
    legal_basis: str
    licence: str | None
    form: dict
    uploads: list[UploadOut]
    provided: list[ProvidedOut]
    children: list[int]


def _out(application: Application) -> dict:
    return {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "channel": application.channel,
        "service": application.title,
        "version_id": application.version_id,
        "life_event": application.life_event.code if application.life_event_id else None,
        "parent_id": application.parent_id,
        "department": application.department.name if application.department_id else None,
        "applicant": application.party_name,
        "submitted_at": application.submitted_at,
        "due_on": application.due_on,
        "decision_reasons": application.decision_reasons,
        "legal_basis": application.legal_basis,
        "licence": application.licence.identifier if application.licence_id else None,
        "form": application.form_data,
        "uploads": [
            {
                "id": u.pk,
                "material": u.material_code,
                "name": u.original_name,
                "content_type": u.content_type,
                "size": u.size,
                "sha256": u.sha256,
            }
            for u in application.uploads.all()
        ],
        "provided": [
            {
                "material": p.material_code,
                "result": p.result,
                "source": p.source_name,
                "source_department": p.source_department.name if p.source_department_id else None,
            }
            for p in application.provided.select_related("source_department")
        ],
        "children": (  # only a life event's parent application has any
            list(application.children.values_list("pk", flat=True))
            if application.is_life_event
            else []
        ),
    }


def _task_out(task) -> dict:
    return {
        "id": task.pk,
        "step": task.element_id,
        "name": task.name,
        "department": task.department.name,
        "role": task.role,
        "status": task.status,
        "version": task.version,
        "outcomes": task.outcomes,
        "assignee": task.assignee.account.display_name if task.assignee_id else None,
    }


def _visible(request, pk: int, lookup=selectors.application) -> Application:
    application = lookup(pk=pk)
    if application is None or not allowed(request.user, "intake.view_application", application):
        raise Http404
    return application


def _to_act_on(request, pk: int) -> Application:
    """`_visible` for a write: the service locks and reads the application again."""
    return _visible(request, pk, selectors.application_to_act_on)


class PartyIn(BodyIn):
    kind: str = Field(pattern="^(person|business)$")
    id: StrictInt


class DraftIn(BodyIn):
    """A new application: `version_id` (a published matter version) or `life_event` (its
    code), the form answers, and for whom (default: yourself)."""

    version_id: StrictInt | None = None
    life_event: StrictStr | None = Field(None, max_length=50)
    form: dict = Field(default_factory=dict)
    party: PartyIn | None = None


class FormIn(BodyIn):
    form: dict


def _party(request, party: PartyIn | None):
    if party is None:
        return None
    model = Person if party.kind == "person" else Business
    found = model.objects.filter(pk=party.id).first()
    if found is None or not allowed(request.user, "intake.apply", found):
        raise PermissionDenied
    return found


def _target(body: DraftIn):
    if body.version_id is not None:
        return {"version": get_object_or_404(MatterVersion, pk=body.version_id)}
    if body.life_event:
        return {"life_event": get_object_or_404(LifeEvent, code=body.life_event)}
    return {}


@router.post(
    "/",
    response={201: ApplicationOut, **errors(401, 403, 404, 409)},
    summary="Start a draft, or submit at once with an Idempotency-Key",
)
def create(
    request: HttpRequest,
    body: DraftIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Without `Idempotency-Key` a draft is saved. With it the application is submitted in
    the same call: a retry with the same key and body returns the same application (201), the
    same key with another body is refused (409 `idempotency_key_reused`)."""
    party = _party(request, body.party)
    if idempotency_key is None:
        application = services.save_draft(
            actor=request.user, form_data=body.form, party=party, **_target(body)
        )
        # Once only: read the registries now (outside any transaction), as the form page does.
        prefill.prefill(actor=request.user, application=application)
        application = selectors.application(pk=application.pk)
    else:
        application = services.apply(
            actor=request.user,
            idempotency_key=idempotency_key,
            form_data=body.form,
            party=party,
            **_target(body),
        ).application
    return Status(201, _out(application))


@router.get("/", response={200: list[ApplicationOut], **errors(401)}, summary="My applications")
def mine(request: HttpRequest, status: str | None = Query(None, max_length=12)):
    person = person_of(request.user)
    if person is None:
        return []
    status = status if status in AppStatus.values else None
    return [_out(a) for a in selectors.applications_of(person=person, status=status)[:200]]


@router.get("/queue", response={200: list[TaskOut], **errors(401, 403)}, summary="My queue")
def queue(request: HttpRequest):
    """Officials: the tasks they may work on now, soonest due first."""
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return [
        _task_out(row.task)
        | {"application_id": row.application.pk, "due_on": row.application.due_on}
        for row in selectors.my_queue(official=official)
    ]


@router.get("/{pk}", response={200: ApplicationOut, **errors(401, 404)}, summary="An application")
def detail(request: HttpRequest, pk: int):
    return _out(_visible(request, pk))


@router.put(
    "/{pk}", response={200: ApplicationOut, **errors(401, 403, 404, 409)}, summary="Edit a draft"
)
def edit(request: HttpRequest, pk: int, body: FormIn):
    application = services.save_draft(
        actor=request.user, application=_to_act_on(request, pk), form_data=body.form
    )
    return _out(application)


@router.post(
    "/{pk}/materials",
    response={201: UploadOut, **errors(401, 403, 404, 409)},
    summary="Hand in a material file (PDF, JPEG, PNG, OFD)",
)
def add_material(
    request: HttpRequest,
    pk: int,
    material: str = Form(..., max_length=50),
    file: UploadedFile = File(...),  # noqa: B008  (ninja declares parameters this way)
):
    upload = services.add_material(
        actor=request.user,
        application=_to_act_on(request, pk),
        material_code=material,
        file=file,
        name=file.name or "",
    )
    return Status(
        201,
        {
            "id": upload.pk,
            "material": upload.material_code,
            "name": upload.original_name,
            "content_type": upload.content_type,
            "size": upload.size,
            "sha256": upload.sha256,
        },
    )


@router.post(
    "/{pk}/submit",
    response={200: ApplicationOut, **errors(401, 403, 404, 409)},
    summary="Submit a draft (Idempotency-Key required)",
)
def submit(
    request: HttpRequest,
    pk: int,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=100),
):
    submission = services.submit_application(
        actor=request.user, application=_to_act_on(request, pk), idempotency_key=idempotency_key
    )
    return _out(submission.application)


class ReasonIn(BodyIn):
    reason: StrictStr = Field("", max_length=2000)


@router.post(
    "/{pk}/withdraw",
    response={200: ApplicationOut, **errors(401, 403, 404, 409)},
    summary="Withdraw before the decision",
)
def withdraw(request: HttpRequest, pk: int, body: ReasonIn):
    return _out(
        services.withdraw_application(
            actor=request.user, application=_to_act_on(request, pk), reason=body.reason
        )
    )


class AnswerIn(BodyIn):
    answer: StrictStr = Field("", max_length=2000)


@router.post(
    "/{pk}/supplement",
    response={200: ApplicationOut, **errors(401, 403, 404, 409)},
    summary="Hand in a supplement (补正)",
)
def answer_supplement(request: HttpRequest, pk: int, body: AnswerIn):
    return _out(
        services.answer_supplement(
            actor=request.user, application=_to_act_on(request, pk), answer=body.answer
        )
    )


@router.get(
    "/{pk}/tasks", response={200: list[TaskOut], **errors(401, 404)}, summary="The case's steps"
)
def tasks(request: HttpRequest, pk: int):
    return [_task_out(t) for t in selectors.tasks_of(_visible(request, pk))]


class TaskActionIn(BodyIn):
    """`outcome` for `decide`; `reasons` and `legal_basis` for decisions (required for a
    refusal, a rejection, a return and the final decision) and for `supplement`; `reason` for
    `return`; `version` (the task's, as read) refuses a stale action with 409."""

    outcome: StrictStr = Field("", max_length=40)
    reasons: StrictStr = Field("", max_length=2000)
    legal_basis: StrictStr = Field("", max_length=2000)
    reason: StrictStr = Field("", max_length=2000)
    materials: list[StrictStr] = Field(default_factory=list, max_length=50)
    version: StrictInt | None = None


@router.post(
    "/{pk}/tasks/{task}/{action}",
    response={200: ApplicationOut, **errors(401, 403, 404, 409)},
    summary="Claim, decide, ask for a supplement, or return a task",
)
def task_action(request: HttpRequest, pk: int, task: int, action: str, body: TaskActionIn):
    application = _visible(request, pk)
    common = {
        "actor": request.user,
        "application": application,
        "task": task,
        "expected_version": body.version,
    }
    if action == "claim":
        services.claim_task(**common)
    elif action == "decide":
        services.decide_task(
            **common, outcome=body.outcome, reasons=body.reasons, legal_basis=body.legal_basis
        )
    elif action == "supplement":
        services.request_supplement(**common, reasons=body.reasons, materials=body.materials)
    elif action == "return":
        services.return_task(**common, reason=body.reason)
    else:
        raise Http404
    return _out(selectors.application(pk=pk))
