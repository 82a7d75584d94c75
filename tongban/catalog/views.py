"""Public catalogue pages: browse, the guide (办事指南) with its situation questionnaire, the
printable guide, and life events (一件事).

The questionnaire is a POST form (answers may say something about a family, so they stay out
of URLs and history); without JavaScript it reloads the page, with htmx it swaps only the
checklist. Pages showing answers are `no-store`."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tongban.catalog import selectors
from tongban.catalog.models import Audience, LifeEvent, MatterVersion
from tongban.catalog.situations import checklist_for
from tongban.core.models import Department

PAGE_SIZE = 30


def int_or_none(value: str | None) -> int | None:
    """A positive id or number from a query string; anything else (including numbers the
    database cannot hold) is None."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**31 else None


def answers_from(request, situations: list[dict]) -> dict[str, str]:
    """The questionnaire's answers: field `s-<situation code>` holds the option code."""
    if request.method != "POST":
        return {}
    return {s["code"]: request.POST.get(f"s-{s['code']}", "") for s in situations}


@require_safe
def browse(request):
    """Published matters by department, theme and audience (unknown filters are ignored)."""
    department = int_or_none(request.GET.get("department"))
    theme = request.GET.get("theme") or None
    audience = request.GET.get("audience")
    audience = audience if audience in Audience.values else None
    versions = selectors.browse(department=department, theme=theme, audience=audience)
    page = Paginator(versions.prefetch_related("themes"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    themes = list(selectors.themes(audience))
    return render(
        request,
        "catalog/browse.html",
        {
            "page": page,
            "themes": themes,
            "theme": next((t for t in themes if t.code == theme), None),
            "department": Department.objects.filter(pk=department).first() if department else None,
            "audience": audience,
            "audiences": Audience.choices,
            "life_events": selectors.life_events(audience),
        },
    )


def _version(request, service_id) -> MatterVersion:
    number = request.GET.get("version")
    if number is not None and int_or_none(number) is None:
        raise Http404
    try:
        return selectors.public_version(service_id, int_or_none(number))
    except MatterVersion.DoesNotExist:
        raise Http404 from None


def _guide_context(request, service_id) -> dict:
    version = _version(request, service_id)
    answers = answers_from(request, version.situations)
    today = timezone.localdate()
    superseded = version.status == MatterVersion.Status.WITHDRAWN
    return {
        "version": version,
        "answers": answers,
        "checklist": checklist_for(version, answers),
        "today": today,
        "deadline": selectors.deadline(version, today),
        "superseded": superseded,
        "version_query": f"?version={version.number}" if superseded else "",
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guide(request, service_id):
    """The guide of one matter; POSTed answers personalize conditions and materials."""
    context = _guide_context(request, service_id)
    if request.headers.get("HX-Request") == "true":
        return render(request, "catalog/_checklist.html", context)
    return render(request, "catalog/guide.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guide_print(request, service_id):
    """The whole guide on paper (一次性告知单), with the answers given, if any."""
    return render(request, "catalog/guide_print.html", _guide_context(request, service_id))


@require_safe
def life_events(request):
    return render(request, "catalog/life_events.html", {"events": selectors.life_events()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def life_event(request, code):
    """A life event: one questionnaire, one combined form, one material list."""
    try:
        event = selectors.life_event_by_code(code)
    except LifeEvent.DoesNotExist:
        raise Http404 from None
    bundle = selectors.life_event_bundle(event, {})
    answers = answers_from(request, bundle.situations)
    if answers:
        bundle = selectors.life_event_bundle(event, answers)
    context = {"event": event, "bundle": bundle, "answers": answers}
    if request.headers.get("HX-Request") == "true":
        return render(request, "catalog/_bundle_checklist.html", context)
    return render(request, "catalog/life_event.html", context)
