"""The public shell: home, search, entry points, and localized error pages."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tongban.core import selectors as core_selectors

logger = logging.getLogger(__name__)
MAX_QUERY_LENGTH = 200


@require_safe
def home(request):
    return render(request, "portal/home.html")


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
    return render(
        request,
        "portal/search.html",
        {"query": query, "error": error, "results": []},
        status=400 if error else 200,
    )


@require_safe
def personal_services(request):
    return render(
        request,
        "portal/audience.html",
        {
            "title": _("Services for individuals"),
            "intro": _("Births, marriage, social security, housing, education and more."),
        },
    )


@require_safe
def business_services(request):
    return render(
        request,
        "portal/audience.html",
        {
            "title": _("Services for businesses"),
            "intro": _("Starting a business, licences, taxes, employees and more."),
        },
    )


@require_safe
def departments(request):
    return render(request, "portal/departments.html", {"departments": core_selectors.departments()})


@require_safe
def accessibility(request):
    return render(request, "portal/accessibility.html")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the localized 500 page; if even that fails, answer in plain text."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("the 500 page failed to render")
        return HttpResponseServerError(
            "服务暂时不可用，请稍后再试。 Service unavailable, please try again later.",
            content_type="text/plain; charset=utf-8",
        )
