"""Request id, a privacy-safe access log line for every request, no-store for signed-in
answers, and refusal of NUL characters."""

import logging
import re
import time
import uuid
from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tongban.core.logging import bind_request_id, reset_request_id

logger = logging.getLogger("tongban.request")
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Take a well-formed `X-Request-ID` from the proxy or make one; echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = bind_request_id(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            match = getattr(request, "resolver_match", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match else "(unresolved)",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            reset_request_id(token)


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user: such pages may carry
    personal data, and no shared or browser cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class RefuseNullCharactersMiddleware:
    """Refuse a NUL character anywhere in the path, the query or a form or JSON body with a
    400 before any view runs: PostgreSQL cannot store or even compare it in text, so it would
    otherwise surface as a 500 from whichever query first met it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_null(request):
            return _null_refused(request)
        return self.get_response(request)


def _carries_null(request) -> bool:
    if "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        return "\x00" in unquote_plus(request.body.decode("latin-1"))
    if content_type.endswith("json"):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


def _null_refused(request):
    message = _("The request contains a NUL character, which is never valid.")
    if request.path.startswith("/govstack/"):
        with translation.override("en"):
            english = str(message)
        body = {
            "traceId": getattr(request, "id", ""),
            "code": "invalid",
            "message": english,
            "localizedMessage": str(message),
        }
        return JsonResponse(body, status=400)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "invalid", "message": str(message), "fields": None}, status=400
        )
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
