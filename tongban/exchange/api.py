"""The exchange gateway API at /api/v1/exchange/ for departmental systems.

Bodies are parsed inside the operation, not by ninja before it, so that even a malformed call
reaches the gateway and leaves its access-log line (a call ninja turned away would not)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field, StrictStr
from pydantic import ValidationError as PydanticError

from tongban.core.api import BodyIn, error, errors
from tongban.exchange import gateway, selectors, services, sources
from tongban.exchange.callers import Caller, identify
from tongban.exchange.models import CorrectionRequest


class SystemBearer(HttpBearer):
    """OAuth 2 bearer token of a system client (client credentials at /oauth/token/). Never turns
    a call away itself: the gateway logs and refuses unidentified callers."""

    def __call__(self, request: HttpRequest) -> Caller:
        return identify(request, channel="api")

    def authenticate(self, request, token):  # not used: __call__ identifies the caller
        return identify(request, channel="api")


router = Router(tags=["exchange"], auth=SystemBearer())


class LookupIn(BodyIn):
    registry: StrictStr = Field(default="", max_length=50, description="Registry code")
    subject_id: StrictStr = Field(
        default="", max_length=40, description="ID number or unified social credit code"
    )
    fields: list[StrictStr] = Field(default_factory=list, max_length=100)
    purpose: StrictStr = Field(default="", description="Why: the matter or duty")
    case_reference: StrictStr = Field(default="", description="The case (e.g. application no.)")


class SourceOut(Schema):
    registry: str
    registry_name: str
    department: str


class LookupOut(Schema):
    record_id: str
    version: int
    fields: dict[str, Any]
    source: SourceOut
    access_id: int


class GrantOut(Schema):
    id: int
    resource: str
    registry: str
    fields: list[str]
    purpose: str
    status: str
    expires_on: datetime.date


class CorrectionIn(BodyIn):
    registry: StrictStr = Field(max_length=50)
    subject_id: StrictStr = Field(max_length=40)
    field: StrictStr = Field(max_length=64)
    claimed_value: StrictStr = Field(default="", max_length=500)
    reason: StrictStr = Field(max_length=2000)
    case_reference: StrictStr = Field(max_length=100)


class CorrectionOut(Schema):
    id: int
    status: str
    due: datetime.date


def _refused(refusal: gateway.AccessRefused):
    return Status(refusal.status, error(refusal.code, str(refusal.message)))


def _body_schema(model) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


@router.post(
    "/lookups",
    response={200: LookupOut, **errors(401, 403, 404, 429)},
    openapi_extra=_body_schema(LookupIn),
    summary="Fetch granted fields of one subject's record",
)
def lookup(request):
    """Named fields of a subject's record for a purpose and a case, under a grant. Every call
    is written to the access log before the answer (or the refusal) is sent."""
    caller: Caller = request.auth
    try:
        body = LookupIn.model_validate_json(request.body or b"{}")
    except PydanticError:
        body = None
    try:
        if body is None:
            gateway.log_malformed(caller=caller)
        disclosure = gateway.fetch(
            caller=caller,
            registry_code=body.registry,
            subject_id=body.subject_id,
            fields=body.fields,
            purpose=body.purpose,
            case_reference=body.case_reference,
        )
    except gateway.AccessRefused as refusal:
        return _refused(refusal)
    if not disclosure.found:
        return Status(
            404, error("no_record", _("The registry holds no record about this subject."))
        )
    registry = disclosure.registry
    return Status(
        200,
        {
            "record_id": str(disclosure.record.uid),
            "version": disclosure.record.version,
            "fields": disclosure.values,
            "source": {
                "registry": registry.code,
                "registry_name": registry.name,
                "department": registry.department.name,
            },
            "access_id": disclosure.access_id,
        },
    )


@router.get("/grants", response={200: list[GrantOut], **errors(401)}, summary="My grants")
def my_grants(request):
    """The calling system's grants, whatever their status."""
    caller: Caller = request.auth
    if caller.client is None:
        return Status(401, error(caller.problem, str(gateway.REFUSALS[caller.problem][1])))
    return Status(
        200,
        [
            {
                "id": g.pk,
                "resource": g.resource.code,
                "registry": g.resource.registry.code,
                "fields": g.fields,
                "purpose": g.purpose,
                "status": g.status,
                "expires_on": g.expires_on,
            }
            for g in selectors.grants_of_client(caller.client).select_related("resource__registry")
        ],
    )


@router.post(
    "/corrections",
    response={201: CorrectionOut, **errors(401, 403, 404, 409, 429)},
    summary="Ask the provider to correct a value",
)
def raise_correction(
    request, body: CorrectionIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
):
    """A consuming system reports a wrong value it received (多元校核). The system must be
    allowed to read that field; looking the record up is logged like any access."""
    caller: Caller = request.auth
    if not 8 <= len(idempotency_key) <= 64:
        return Status(422, error("invalid", _("Idempotency-Key has 8 to 64 characters.")))
    try:
        disclosure = gateway.fetch(
            caller=caller,
            registry_code=body.registry,
            subject_id=body.subject_id,
            fields=[body.field],
            purpose=_("Correction request"),
            case_reference=body.case_reference,
        )
    except gateway.AccessRefused as refusal:
        return _refused(refusal)
    if not disclosure.found:
        return Status(
            404, error("no_record", _("The registry holds no record about this subject."))
        )
    if disclosure.registry.source:
        return Status(
            409,
            error(
                "kept_by_source",
                str(sources.READ_ONLY),
            ),
        )
    correction = services.raise_correction(
        actor=caller.client,
        record=disclosure.record,
        field=body.field,
        claimed_value=body.claimed_value,
        reason=body.reason,
        source=CorrectionRequest.Source.CONSUMER,
        idempotency_key=idempotency_key,
        case_reference=body.case_reference,
    )
    return Status(201, {"id": correction.pk, "status": correction.status, "due": correction.due})
