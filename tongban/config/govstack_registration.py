"""GovStack Registration Building Block-compatible API at /govstack/registration/
(../shared/specs/govstack/GovStack_Registration_BB_API.json; OpenAPI at
/govstack/registration/openapi.json).

Errors answer with the spec's `systemError` shape. Each app adds its router here: the catalogue
serves `/services`; intake adds applications, documents and tasks."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tongban.catalog.govstack import router as services_router
from tongban.core.api import Conflict
from tongban.intake.govstack import router as intake_router

api = NinjaAPI(
    title="Tongban GovStack Registration API",
    version="0.1.1",
    description="GovStack Registration Building Block-compatible API of Tongban.",
    urls_namespace="govstack_registration",
    auth=None,
)


INVALID = _("The request is not valid.")
NOT_FOUND = _("Not found.")


def system_error(request, status: int, code: str, message) -> object:
    """The spec's systemError: English `message`, `localizedMessage` in the request's language."""
    with translation.override("en"):
        english = str(message)
    return api.create_response(
        request,
        {
            "traceId": getattr(request, "id", ""),
            "code": code,
            "message": english,
            "localizedMessage": str(message),
        },
        status=status,
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return system_error(request, 422, "invalid", INVALID)


@api.exception_handler(Http404)
def not_found(request, exc):
    return system_error(request, 404, "not_found", NOT_FOUND)


@api.exception_handler(ObjectDoesNotExist)
def missing(request, exc):
    return system_error(request, 404, "not_found", NOT_FOUND)


@api.exception_handler(DjangoValidationError)
def invalid_values(request, exc):
    return system_error(request, 422, "invalid", " ".join(exc.messages) or INVALID)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return system_error(request, 401, "unauthenticated", _("Sign in first."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return system_error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Conflict)
def conflict(request, exc):
    return system_error(request, 409, exc.code, exc.message)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja's own refusals (a session caller's failed CSRF check is a 403) in the spec's
    shape, not ninja's `{"detail": ...}` (found by schemathesis)."""
    if exc.status_code == 403:
        return system_error(request, 403, "forbidden", _("You may not do this."))
    return system_error(request, exc.status_code, "http_error", str(exc.message))


api.add_router("/", services_router)
api.add_router("/", intake_router)
