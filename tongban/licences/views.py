"""Pages: the wallet (我的证照), a licence, its QR presentation and printable copy, and the
public verification page. Thin: selectors read, services write, verification decides."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.api import Conflict
from tongban.core.identifiers import mask_id_number
from tongban.core.permissions import allowed
from tongban.identity.predicates import official_of, person_of
from tongban.licences import selectors, services, sharing, verification
from tongban.licences.models import HolderKind, Licence

MAX_CODE_LENGTH = 16_000
# A wallet QR code holds the verify page's URL with the presentation in its fragment
# (`…/licences/verify/#p=<SD-JWT>`): a phone camera opens the page, whose script posts the
# fragment to the form. A fragment never reaches the server, so no log or proxy records it.
PRESENTATION_FRAGMENT = "#p="


def presentation_url(request, payload: str) -> str:
    """The public verify page's absolute URL carrying `payload` in its fragment."""
    return request.build_absolute_uri(reverse("licences:verify")) + PRESENTATION_FRAGMENT + payload


def _pasted_code(code: str) -> str:
    """What a verifier pasted: a verify URL (read by a QR app) stands for its fragment."""
    if PRESENTATION_FRAGMENT in code and code.startswith(("http://", "https://", "/")):
        return code.split(PRESENTATION_FRAGMENT, 1)[1].strip()
    return code


def _licence_or_404(request, pk: int):
    person = person_of(request.user)
    licence = person and selectors.licence_in_wallet(person=person, pk=pk)
    if not licence:
        raise Http404
    return licence


def _shown_fields(licence) -> list[tuple[str, str]]:
    """(title, value) of the holder and the licence's fields; ID numbers masked."""
    document = licence.document
    holder = document["holder"]
    code = holder["code"]
    rows = [
        (_("Holder"), holder["name"]),
        (
            _("ID number") if holder["code_type"] == HolderKind.PERSON else _("Credit code"),
            mask_id_number(code) if holder["code_type"] == HolderKind.PERSON else code,
        ),
    ]
    titles = licence.licence_type.field_titles()
    rows += [(titles.get(name, name), value) for name, value in document["fields"].items()]
    return rows


@login_required
@require_safe
def wallet(request):
    person = person_of(request.user)
    licences = list(selectors.wallet_of(person=person)) if person else []
    return render(request, "licences/wallet.html", {"licences": licences})


def _detail_context(licence, *, chosen: set[str] | None = None) -> dict:
    """The licence page: its fields, the claims the holder may show (name and the lowest age
    threshold preselected), and where it was shown."""
    claims = services.presentable_claims(licence)
    if chosen is None:
        ages = [c for c in claims if c.startswith("age_equal_or_over.")]
        chosen = {"holder_name", *ages[:1]}  # e.g. name and "aged 60 or over"
    return {
        "licence": licence,
        "rows": _shown_fields(licence),
        "claims": [
            {
                "path": path,
                "label": verification.claim_label(licence.licence_type, path),
                "checked": path in chosen,
            }
            for path in claims
        ],
        "uses": licence.presentations.all()[:20],
        "reuses": sharing.reuses_of(licence)[:20],
        "receipt": licence.ledger_receipt,
    }


@login_required
@require_safe
def detail(request, pk: int):
    licence = _licence_or_404(request, pk)
    return render(request, "licences/detail.html", _detail_context(licence))


def _qr(payload: str) -> str:
    return segno.make(payload, error="m", micro=False).svg_data_uri(scale=4, border=4)


@login_required
@require_POST
def present(request, pk: int):
    licence = _licence_or_404(request, pk)
    reveal = request.POST.getlist("reveal")
    try:
        payload = services.create_presentation(licence=licence, reveal=reveal, actor=request.user)
    except ValidationError:
        context = _detail_context(licence, chosen=set())
        context["error"] = _("Choose at least one detail to show.")
        return render(request, "licences/detail.html", context, status=400)
    shown = [verification.claim_label(licence.licence_type, path) for path in reveal]
    return render(
        request,
        "licences/present.html",
        {
            "licence": licence,
            "payload": payload,
            "qr": _qr(presentation_url(request, payload)),
            "shown": shown,
            "minutes": services.settings.TONGBAN_LICENCE_PRESENTATION_SECONDS // 60,
        },
    )


@login_required
@require_safe
def printable(request, pk: int):
    licence = _licence_or_404(request, pk)
    verify_url = request.build_absolute_uri(reverse("licences:verify"))
    return render(
        request,
        "licences/print.html",
        {
            "licence": licence,
            "rows": _shown_fields(licence),
            "qr": _qr(f"{verify_url}?identifier={licence.identifier}"),
            "verify_url": verify_url,
        },
    )


def _official_department(request):
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return official.department


@login_required
@require_safe
def issued(request):
    """For officials of an issuing department: find one of its licences by identifier, to
    suspend, reinstate or revoke it. Other departments' licences are simply not found."""
    department = _official_department(request)
    identifier = request.GET.get("identifier", "").strip()[:200]
    licence = (
        selectors.issued_by(department=department, identifier=identifier) if identifier else None
    )
    return render(
        request,
        "licences/issued.html",
        {
            "department": department,
            "identifier": identifier,
            "licence": licence,
            "may_change": licence is not None
            and allowed(request.user, "licences.change_status", licence),
            "not_found": bool(identifier) and licence is None,
        },
    )


@login_required
@require_POST
def issued_status(request, pk: int):
    department = _official_department(request)
    licence = (
        Licence.objects.filter(issuer=department, pk=pk).select_related("licence_type").first()
    )
    if licence is None:
        raise Http404
    action = request.POST.get("action", "")
    back = f"{reverse('licences:issued')}?identifier={licence.identifier}"
    if action not in services.TRANSITIONS:
        messages.error(request, _("Choose suspend, reinstate or revoke."))
        return redirect(back)
    try:
        services.change_status(
            licence=licence,
            action=action,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The licence's status was changed."))
    return redirect(back)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Public: paste or scan an identifier or a wallet code. Identifiers may come in the query
    (the printed QR links here); presentations only in a POST body, never in a URL the server
    sees: the wallet's QR puts them in the fragment, which static/licences/verify.js posts."""
    code = (
        _pasted_code(request.POST.get("code", "").strip())
        if request.method == "POST"
        else request.GET.get("identifier", "")
    ).strip()
    verdict = None
    status = 200
    if len(code) > MAX_CODE_LENGTH:
        code, status = "", 400
        verdict = verification.Verdict(genuine=False, reason="malformed")
    elif code and (code.startswith("1.") or request.method != "POST"):
        verdict = verification.verify_identifier(code)
    elif code:
        verdict = verification.verify_presentation(code, audience=services.verifier_audience())
    return render(
        request,
        "licences/verify.html",
        {"verdict": verdict, "code": code if verdict and code.startswith("1.") else ""},
        status=status,
    )
