"""The ledger's public pages: what it is, the latest checkpoint, the keys, and the page that
proves one entry is in the log (the receipt's link)."""

import datetime
import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from tongban.core.crypto import b64encode
from tongban.ledger import selectors
from tongban.ledger.api import DECIMAL, LARGEST
from tongban.ledger.keys import published_keys
from tongban.ledger.leaves import LEAF_VERSION


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)


def _origin() -> str:
    log = selectors.current_log()
    return log.origin if log else settings.TONGBAN_LEDGER_ORIGIN


@require_safe
@cache_control(no_cache=True)
def checkpoint(request):
    """The latest signed checkpoint as a C2SP signed note (text/plain)."""
    latest = selectors.latest_checkpoint()
    if latest is None:
        return _plain("no checkpoint has been signed yet\n", status=404)
    return _plain(latest.note)


@require_safe
def keys(request):
    """The verifier keys, one per line (C2SP note verifier key format); signing keys first."""
    return _plain("".join(f"{key.vkey}\n" for key in published_keys(_origin())))


@require_safe
def overview(request):
    """What the ledger is, how big it is, how to check it."""
    latest = selectors.latest_checkpoint()
    log = selectors.current_log()
    origin = log.origin if log else settings.TONGBAN_LEDGER_ORIGIN
    index = request.GET.get("index", "").strip()
    error = ""
    if index:
        if DECIMAL.fullmatch(index):
            return redirect("ledger:verify", index=int(index))
        error = _("Enter the record number as digits, for example 42.")
    return render(
        request,
        "ledger/overview.html",
        {
            "checkpoint": latest,
            "origin": origin,
            "hash_name": log.get_hash_suite_display() if log else "",
            "keys": published_keys(origin),
            "index": index,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
def verify(request, index: int):
    """Recompute the inclusion proof of one entry and say in plain words what it proves."""
    verification = selectors.verification_of(index) if index <= LARGEST else None
    if verification is None:
        return render(request, "ledger/not_sealed.html", {"index": index}, status=404)
    leaf = json.loads(verification.entry.leaf)
    return render(
        request,
        "ledger/verify.html",
        {
            "v": verification,
            "leaf": leaf,
            "occurred_at": datetime.datetime.fromisoformat(leaf["occurred_at"]),
            "overview_url": reverse("ledger:overview"),
            "leaf_hash": b64encode(verification.leaf_hash),
            "root_hash": b64encode(bytes(verification.checkpoint.root_hash)),
            "proof": [b64encode(item) for item in verification.proof],
            "leaf_version": LEAF_VERSION,
        },
    )
