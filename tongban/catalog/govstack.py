"""GovStack Registration Building Block compatibility: `GET /services` and
`GET /services/{serviceId}` (../shared/specs/govstack/GovStack_Registration_BB_API.json).

A service is a matter's published version: `id` is the matter's service id (stable across
versions), `version` its version number, and `serviceBody` carries the guide's key facts as
code/value pairs."""

import uuid
from typing import Literal

from django.db.models import Q
from ninja import Query, Router, Schema

from tongban.catalog import selectors
from tongban.catalog.models import MatterVersion
from tongban.catalog.search import simplified

router = Router(tags=["Available Services"])


class Property(Schema):
    code: str
    value: str


class Service(Schema):
    id: uuid.UUID
    name: str
    version: str
    type: Literal["None", "Private", "Public"]
    isExecutable: bool  # the spec's names
    isClosed: bool
    description: str
    serviceBody: list[Property]


class SystemError(Schema):
    """The spec's `systemError`."""

    traceId: str
    code: str
    message: str
    localizedMessage: str


# 400: a request the platform refuses before any operation runs (a NUL character,
# tongban.core.middleware.RefuseNullCharactersMiddleware), in the spec's error shape.
ERRORS = {400: SystemError, 404: SystemError, 422: SystemError, 500: SystemError}


def service(version: MatterVersion) -> dict:
    matter = version.matter
    facts = {
        "implementationCode": matter.implementation_code,
        "basicCode": version.basic_code,
        "department": matter.department.name,
        "departmentCode": matter.department.credit_code,
        "matterType": version.matter_type,
        "audiences": ",".join(version.audiences),
        "legalTimeLimitWorkingDays": str(version.legal_time_limit),
        "committedTimeLimitWorkingDays": str(version.committed_time_limit),
        "maxVisits": str(version.max_visits),
        "onlineDepth": version.online_depth,
        "fees": "free" if version.is_free else "; ".join(f["standard"] for f in version.fees),
        "instantApproval": "true" if version.instant_approval else "false",
        "processKey": version.process_key,
        "resultLicenceType": version.result_licence_type,
        "legalBasis": version.legal_basis,
        "nameEn": version.name_en,
    }
    return {
        "id": matter.service_id,
        "name": version.name,
        "version": str(version.number),
        "type": "Public",
        "isExecutable": version.online_depth in ("pre_review", "full")
        and bool(version.form_schema),
        "isClosed": False,
        "description": version.summary,
        "serviceBody": [{"code": code, "value": value} for code, value in facts.items()],
    }


@router.get(
    "/services",
    response={200: list[Service], **ERRORS},
    operation_id="getServiceList",
    summary="returns a list of services (Services available to use)",
)
def get_service_list(request, name: str | None = Query(None, max_length=200)):
    """Every published service; `name` keeps those whose name contains it (Simplified,
    Traditional or English)."""
    versions = selectors.published_guides()
    if name:
        versions = versions.filter(Q(name__icontains=simplified(name)) | Q(name_en__icontains=name))
    return [service(v) for v in versions]


@router.get(
    "/services/{serviceId}",
    response={200: Service, **ERRORS},
    operation_id="getService",
    summary="returns detailed information about a service",
)
def get_service(request, serviceId: uuid.UUID):  # the spec's parameter name
    return service(selectors.public_version(serviceId))
