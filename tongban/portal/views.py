"""The public shell: home, search, entry points, and localized error pages."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tongban.catalog import selectors as catalog
from tongban.catalog.models import Audience
from tongban.catalog.search import MAX_QUERY_LENGTH
from tongban.catalog.search import search as search_catalogue
from tongban.core.api import error as api_error

# Machine clients get the APIs' declared error schema, not an HTML page, even where no
# operation matched (a path parameter of the wrong type never reaches the API's router).
API_PREFIXES = ("/api/", "/govstack/")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


logger = logging.getLogger(__name__)


@require_safe
def home(request):
    return render(request, "portal/home.html", {"life_events": catalog.life_events()})


@require_safe
def search(request):
    """Search the service catalogue. Over-long queries are refused with a message, not a 500."""
    query = request.GET.get("q", "").strip()
    error = None
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Please shorten your search to at most %(n)s characters.") % {
            "n": MAX_QUERY_LENGTH
        }
        query = query[:MAX_QUERY_LENGTH]
    audience = request.GET.get("audience")
    audience = audience if audience in Audience.values else None
    hits = search_catalogue(query, audience=audience, limit=30) if query and not error else []
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "error": error,
            "versions": catalog.versions_for_hits(hits),
            "life_events": catalog.life_events_for_hits(hits),
        },
        status=400 if error else 200,
    )


def audience_page(request, audience: str, title, intro):
    """Entry page of one audience: its life events, themes and every matter for it."""
    return render(
        request,
        "portal/audience.html",
        {
            "title": title,
            "intro": intro,
            "audience": audience,
            "life_events": catalog.life_events(audience),
            "themes": [t for t in catalog.themes(audience) if t.matter_count],
            "versions": catalog.browse(audience=audience).prefetch_related("themes"),
        },
    )


@require_safe
def personal_services(request):
    return audience_page(
        request,
        Audience.PERSON,
        _("Services for individuals"),
        _("Births, marriage, social security, housing, education and more."),
    )


@require_safe
def business_services(request):
    return audience_page(
        request,
        Audience.BUSINESS,
        _("Services for businesses"),
        _("Starting a business, licences, taxes, employees and more."),
    )


@require_safe
def departments(request):
    return render(
        request, "portal/departments.html", {"departments": catalog.departments_with_matters()}
    )


@require_safe
def accessibility(request):
    return render(request, "portal/accessibility.html")


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(api_error("forbidden", _("You may not do this.")), status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(api_error("not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


UNAVAILABLE = "服务暂时不可用，请稍后再试。 Service unavailable, please try again later."
# How long a client should wait before retrying while the database is unreachable (seconds).
RETRY_AFTER = "5"


def server_error(request):
    """Render the localized 500 page (the declared JSON error for the APIs); if even that
    fails, answer in plain text.

    A database that cannot be reached (PostgreSQL restarting, network lost) is not a fault of
    the request: it is answered 503 with Retry-After, in JSON for the APIs. Nothing was written
    (the request's transaction could not commit), so the client may safely retry."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        if _is_api(request):
            response = JsonResponse(api_error("unavailable", UNAVAILABLE), status=503)
        else:
            response = HttpResponseServerError(
                UNAVAILABLE, content_type="text/plain; charset=utf-8", status=503
            )
        response["Retry-After"] = RETRY_AFTER
        return response
    if _is_api(request):
        return JsonResponse(
            api_error("server_error", _("Service unavailable, please try again later.")),
            status=500,
        )
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("the 500 page failed to render")
        return HttpResponseServerError(UNAVAILABLE, content_type="text/plain; charset=utf-8")
