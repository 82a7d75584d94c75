"""Conventions every `/api/v1/` router follows: one error schema, declared error responses,
strict request bodies, and domain exceptions mapped to status codes in one place."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict


class ErrorOut(Schema):
    """Every error answer: a stable machine code, a localized message, and per-field details."""

    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class BodyIn(Schema):
    """Base for request bodies: unknown fields are refused (no `status=approved` smuggling).

    Use `StrictBool`, `StrictInt` and `StrictStr` for fields: pydantic's default would store
    `false` as 0 or "1" as True."""

    model_config = ConfigDict(extra="forbid")


class Conflict(Exception):
    """The request conflicts with the current state (409): e.g. an idempotency key reused
    with another body, or an illegal lifecycle transition."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declare error responses on an operation: `response={200: Out, **errors(403, 404)}`.
    400 and 422 are always included (ninja answers them for unparseable and invalid input)."""
    return {code: ErrorOut for code in {400, 422, *codes}}


def error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields}


def install_error_handlers(api: NinjaAPI) -> None:
    """Map domain exceptions to declared error answers; nothing becomes a 500."""

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request, exc):
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            location = ".".join(str(part) for part in item.get("loc", ())[1:]) or "body"
            fields.setdefault(location, []).append(item.get("msg", "invalid"))
        return api.create_response(
            request, error("invalid", _("The request is not valid."), fields), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_values(request, exc):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(
            request, error("invalid", _("The request is not valid."), fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, error("unauthenticated", _("Sign in first.")), status=401
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(
            request, error("forbidden", _("You may not do this.")), status=403
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error("not_found", _("Not found.")), status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return api.create_response(request, error("not_found", _("Not found.")), status=404)

    @api.exception_handler(Conflict)
    def conflict(request, exc):
        return api.create_response(request, error(exc.code, exc.message), status=409)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return api.create_response(
            request, error("http_error", str(exc.message)), status=exc.status_code
        )
