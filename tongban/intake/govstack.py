"""GovStack Registration Building Block-compatible applications, documents and tasks
(../shared/specs/govstack/GovStack_Registration_BB_API.json), over the same services as the
rest of the intake.

- an application file's `fileId` is the application number (办件编号; a draft's is
  `draft-<id>`); `serviceId` the matter's service id; `applicantId` the signed-in account's
  id (others are refused);
- `status.code` maps the lifecycle: PENDING (draft, submitted, accepted, in review), SENDBACK
  (补正: supplement requested), APPROVED (approved, and delivered or closed after approval),
  REJECTED (rejected, not accepted, withdrawn, and delivered or closed after those);
- `POST /documents?additionalMetadata=<material code>` keeps a checked file; an application
  names it in `documentUrls`;
- `PUT /applications/{fileId}`: the applicant updates a draft, or resubmits a file sent back
  (SENDBACK) with corrected answers and the documents asked for; any other state is 409;
- a task is a BPMN user task; completing it takes `{"data": {"outcome": ..., "reasons": ...,
  "legal_basis": ...}}`.

Sign-in is the platform's session; an `Idempotency-Key` header makes submissions safe to
retry, as on `/api/v1/applications/`."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from tongban.catalog.models import MatterVersion
from tongban.core.permissions import allowed
from tongban.identity.predicates import official_of, person_of
from tongban.intake import selectors, services
from tongban.intake.models import Application, StagedDocument, Status
from tongban.workflow.models import Task

router = Router(tags=["Applications"], auth=django_auth)

PENDING = {Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW}


def status_code(application: Application) -> str:
    """The spec's status code for a lifecycle status."""
    status = application.status
    if status in PENDING:
        return "PENDING"
    if status == Status.SUPPLEMENT:
        return "SENDBACK"
    if status == Status.APPROVED or application.outcome == Status.APPROVED:
        return "APPROVED"
    return "REJECTED"


def status_model(application: Application) -> dict:
    return {"code": status_code(application), "title": str(application.get_status_display())}


class StatusModel(Schema):
    code: str
    title: str


class FormData(Schema):
    data: dict = Field(default_factory=dict)
    eFormId: str | None = None


class ApplicationFileSubmit(Schema):
    applicantId: str = Field(max_length=100)
    applicationName: str | None = Field(None, max_length=200)
    created: datetime.datetime | None = None
    formData: FormData | None = None
    documentUrls: list[str] = Field(default_factory=list, max_length=50)


class ApplicationFileResponse(Schema):
    fileId: str
    applicantId: str  # required by the spec, though not among its properties
    registered: datetime.datetime | None
    serviceId: uuid.UUID
    serviceName: str
    status: StatusModel
    ended: bool
    applicationData: ApplicationFileSubmit


class ListItem(Schema):
    fileId: str
    mainTaskId: str
    taskTitle: str
    status: StatusModel
    applicantId: str
    created: datetime.datetime
    registered: datetime.datetime | None
    description: str
    serviceName: str
    serviceId: uuid.UUID
    eformId: str
    documentUrls: list[str]


class UploadResponse(Schema):
    code: int
    type: str
    message: str
    url: str


class UserTask(Schema):
    taskId: str
    mainTaskId: str
    name: str
    assigneeId: str
    roleId: str
    created: datetime.datetime
    description: str
    serviceId: uuid.UUID
    serviceName: str
    fileId: str
    eFormId: str
    status: StatusModel


class DataUserTask(Schema):
    taskId: str
    taskName: str
    assigneeId: str
    roleId: str
    created: datetime.datetime
    description: str
    fileId: str
    serviceId: uuid.UUID
    serviceName: str
    eFormId: str
    formVariables: dict
    status: StatusModel
    data: dict


class AdditionalData(Schema):
    data: dict = Field(default_factory=dict)


class CompletedTask(Schema):
    taskId: str
    fileId: str
    serviceId: uuid.UUID
    status: StatusModel
    variables: dict


class SystemError(Schema):
    traceId: str
    code: str
    message: str
    localizedMessage: str


ERRORS = {code: SystemError for code in (400, 401, 403, 404, 409, 422)}


def _document_url(request, upload_or_document) -> str:
    return (
        request.build_absolute_uri(
            reverse("govstack_registration:document", args=[upload_or_document.token])
        )
        if isinstance(upload_or_document, StagedDocument)
        else request.build_absolute_uri(reverse("intake:download", args=[upload_or_document.pk]))
    )


def _file(request, application: Application) -> dict:
    version = application.version
    return {
        "fileId": application.number or f"draft-{application.pk}",
        "applicantId": str(application.created_by_id),
        "registered": application.submitted_at,
        "serviceId": version.matter.service_id,
        "serviceName": version.name,
        "status": status_model(application),
        "ended": application.status not in (*PENDING, Status.SUPPLEMENT),
        "applicationData": {
            "applicantId": str(application.created_by_id),
            "applicationName": application.title,
            "created": application.created_at,
            "formData": {"data": application.form_data, "eFormId": str(version.pk)},
            "documentUrls": [_document_url(request, u) for u in application.uploads.all()],
        },
    }


def _visible(request, file_id: str) -> Application:
    """The file by its number, or a draft by `draft-<id>` (as `_file` names it)."""
    found = Application.objects.select_related("version__matter", "person", "business").filter(
        version__isnull=False
    )
    draft = file_id.removeprefix("draft-")
    if draft != file_id and draft.isdigit() and len(draft) < 19:
        found = found.filter(pk=int(draft), number="")
    else:
        found = found.filter(number=file_id)
    application = found.first()
    if application is None or not allowed(request.user, "intake.view_application", application):
        raise Http404
    return application


def _documents(request, urls: list[str]) -> list[StagedDocument]:
    documents = []
    for url in urls:
        token = url.rstrip("/").rsplit("/", 1)[-1]
        try:
            token = uuid.UUID(token)
        except ValueError:
            raise Http404 from None
        documents.append(get_object_or_404(StagedDocument, token=token, account=request.user))
    return documents


@router.post(
    "/services/{serviceId}/applications",
    response={200: ApplicationFileResponse, **ERRORS},
    summary="Submit an application file as an applicant",
)
def submit_application(
    request: HttpRequest,
    serviceId: uuid.UUID,
    body: ApplicationFileSubmit,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    version = get_object_or_404(
        MatterVersion, matter__service_id=serviceId, status=MatterVersion.Status.PUBLISHED
    )
    if body.applicantId != str(request.user.pk):
        raise PermissionDenied
    submission = services.apply(
        actor=request.user,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        form_data=(body.formData.data if body.formData else {}),
        version=version,
        documents=_documents(request, body.documentUrls),
    )
    return _file(request, submission.application)


@router.post(
    "/documents",
    response={200: UploadResponse, **ERRORS},
    summary="Upload a required document",
)
def upload_document(
    request: HttpRequest,
    file: list[UploadedFile] = File(...),  # noqa: B008  (ninja declares parameters this way)
    additionalMetadata: str = Query("", max_length=50),
):
    """`additionalMetadata` names the material (its code in the service's guide)."""
    document = services.stage_document(
        actor=request.user, material_code=additionalMetadata, file=file[0], name=file[0].name or ""
    )
    return {
        "code": 200,
        "type": document.content_type,
        "message": _("File uploaded."),
        "url": _document_url(request, document),
    }


@router.get("/documents/{token}", url_name="document", response={200: UploadResponse, **ERRORS})
def document(request: HttpRequest, token: uuid.UUID):
    found = get_object_or_404(StagedDocument, token=token, account=request.user)
    return {"code": 200, "type": found.content_type, "message": found.sha256, "url": ""}


@router.get(
    "/applications",
    response={200: list[ListItem], **ERRORS},
    summary="Retrieve all application files",
)
def list_applications(
    request: HttpRequest,
    serviceId: uuid.UUID | None = None,
    firstResult: int = Query(0, ge=0),
    maxResult: int = Query(50, ge=1, le=200),
):
    """The applicant's own application files; an official's: the department's."""
    official = official_of(request.user)
    person = person_of(request.user)
    if official is not None:
        qs = Application.objects.filter(department_id=official.department_id)
    elif person is not None:
        qs = selectors.applications_of(person=person)
    else:
        return []
    qs = qs.filter(version__isnull=False).exclude(number="")
    if serviceId:
        qs = qs.filter(version__matter__service_id=serviceId)
    qs = qs.select_related("version__matter").order_by("-created_at")
    return [
        {
            "fileId": a.number,
            "mainTaskId": a.number,
            "taskTitle": a.version.name,
            "status": status_model(a),
            "applicantId": str(a.created_by_id),
            "created": a.created_at,
            "registered": a.submitted_at,
            "description": a.version.summary[:200],
            "serviceName": a.version.name,
            "serviceId": a.version.matter.service_id,
            "eformId": str(a.version_id),
            "documentUrls": [_document_url(request, u) for u in a.uploads.all()],
        }
        for a in qs[firstResult : firstResult + maxResult]
    ]


@router.get(
    "/applications/{fileId}",
    response={200: ApplicationFileResponse, **ERRORS},
    summary="Get application file by ID",
    exclude_none=True,
)
def get_application(request: HttpRequest, fileId: str):
    return _file(request, _visible(request, fileId))


@router.put(
    "/applications/{fileId}",
    response={200: ApplicationFileResponse, **ERRORS},
    summary="Update an application file",
    exclude_none=True,  # a draft is not `registered` yet: the spec's date-time is omitted
)
def update_application(request: HttpRequest, fileId: str, body: ApplicationFileSubmit):
    """The applicant updates their file: a draft's answers and documents, or — sent back
    (SENDBACK) — the corrected answers and the documents asked for, which resubmits it.
    `applicantId` must be the signed-in account; a file in any other state is refused (409)."""
    application = _visible(request, fileId)
    if body.applicantId != str(request.user.pk):
        raise PermissionDenied
    application = services.update_application(
        actor=request.user,
        application=application,
        form_data=body.formData.data if body.formData else None,
        documents=_documents(request, body.documentUrls),
    )
    return _file(request, selectors.application(pk=application.pk))


def _task_row(task: Task, application: Application) -> dict:
    return {
        "taskId": str(task.pk),
        "mainTaskId": application.number,
        "name": task.name,
        "assigneeId": str(task.assignee.account_id) if task.assignee_id else "",
        "roleId": task.role,
        "created": task.created_at,
        "description": " / ".join(task.outcomes),
        "serviceId": application.version.matter.service_id,
        "serviceName": application.version.name,
        "fileId": application.number,
        "eFormId": str(application.version_id),
        "status": status_model(application),
    }


def _official(request):
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return official


@router.get("/tasks", response={200: list[UserTask], **ERRORS}, summary="Retrieve all tasks")
def list_tasks(request: HttpRequest, fileId: str | None = None):
    """The official's queue (their department, their roles), soonest due first."""
    rows = selectors.my_queue(official=_official(request))
    return [
        _task_row(row.task, row.application)
        for row in rows
        if row.application.version_id and (not fileId or row.application.number == fileId)
    ]


def _task(request, task_id: str) -> tuple[Task, Application]:
    if not task_id.isdigit():
        raise Http404
    task = get_object_or_404(
        Task.objects.select_related("instance", "assignee"),
        pk=int(task_id),
        instance__subject_type="intake.application",
    )
    if not allowed(request.user, "workflow.view_task", task):
        raise Http404
    application = get_object_or_404(
        Application.objects.select_related("version__matter"), pk=int(task.instance.subject_id)
    )
    return task, application


@router.get("/tasks/{taskId}", response={200: DataUserTask, **ERRORS}, summary="Get task by id")
def get_task(request: HttpRequest, taskId: str):
    _official(request)
    task, application = _task(request, taskId)
    row = _task_row(task, application)
    return {
        **{
            k: row[k]
            for k in (
                "taskId",
                "assigneeId",
                "roleId",
                "created",
                "description",
                "fileId",
                "serviceId",
                "serviceName",
                "eFormId",
                "status",
            )
        },
        "taskName": task.name,
        "formVariables": {"outcomes": {"values": task.outcomes}},
        "data": {"form": application.form_data},
    }


@router.post(
    "/tasks/{taskId}/complete",
    response={200: CompletedTask, **ERRORS},
    summary="Complete task by id",
)
def complete_task(request: HttpRequest, taskId: str, body: AdditionalData):
    _official(request)
    task, application = _task(request, taskId)
    data = body.data or {}
    text = {key: data.get(key, "") for key in ("outcome", "reasons", "legal_basis")}
    if not all(isinstance(value, str) for value in text.values()):
        raise ValidationError({"data": [_("outcome, reasons and legal_basis are text.")]})
    application = services.decide_task(
        actor=request.user,
        application=application,
        task=task,
        outcome=text["outcome"],
        reasons=text["reasons"],
        legal_basis=text["legal_basis"],
    )
    return {
        "taskId": str(task.pk),
        "fileId": application.number,
        "serviceId": application.version.matter.service_id,
        "status": status_model(application),
        "variables": {"decision": {"data": {"outcome": {"value": text["outcome"]}}}},
    }
