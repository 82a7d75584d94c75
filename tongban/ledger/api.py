"""The ledger's public read API under /api/v1/ledger/ (anyone may check the log: no sign-in).

Numbers arrive as text and are read here, so that anything but a plain decimal number — a
word, a sign, full-width digits, a number too large for the log — gets a 400 with the shared
error schema instead of a framework error."""

import datetime
import logging
import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status

from tongban.core.api import error, errors
from tongban.core.crypto import b64encode
from tongban.ledger import selectors, tree
from tongban.ledger.keys import published_keys
from tongban.ledger.models import Log

logger = logging.getLogger(__name__)
router = Router(tags=["ledger"], auth=None)

DECIMAL = re.compile(r"[0-9]{1,19}")
LARGEST = (1 << 63) - 1
MAX_PAGE = 100


class BadNumber(ValueError):
    def __init__(self, field: str):
        self.field = field


def number(value: str, field: str) -> int:
    if not DECIMAL.fullmatch(value) or int(value) > LARGEST:
        raise BadNumber(field)
    return int(value)


def bad_number(field: str) -> Status:
    message = _("Give a whole number from 0 up to %(max)s.") % {"max": LARGEST}
    return Status(400, error("invalid_number", message, {field: [message]}))


def bad_request(invalid: selectors.ProofRequestInvalid) -> Status:
    fields = {invalid.field: [invalid.message]}
    return Status(400, error("out_of_range", invalid.message, fields))


def unavailable(missing: tree.MissingHash) -> Status:
    """A stored hash is gone: someone changed the tables. Say so; never answer a wrong proof."""
    logger.error("ledger proof impossible: %s; run `tongban ledger audit`", missing)
    message = _("The ledger cannot build this proof; its operator has been alerted.")
    return Status(503, error("ledger_damaged", message))


class LogOut(Schema):
    origin: str
    hash_algorithm: str
    tree_size: int
    checkpoint_url: str
    verifier_keys: list[str]


class EntryOut(Schema):
    index: int
    leaf: str
    leaf_hash: str
    sealed_at: datetime.datetime


class InclusionProofOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]


class ConsistencyProofOut(Schema):
    first: int
    second: int
    proof: list[str]


class CheckpointOut(Schema):
    tree_size: int
    signed_at: datetime.datetime
    note: str


class CheckpointPage(Schema):
    items: list[CheckpointOut]


@router.get("/log", response={200: LogOut, **errors()}, summary="The log's identity and keys")
def log_description(request):
    """The origin, the hash function, the signed size and the keys that verify checkpoints
    (C2SP note verifier keys). Compare the keys with a copy obtained another way."""
    log = selectors.current_log()
    origin = log.origin if log else settings.TONGBAN_LEDGER_ORIGIN
    hash_suite = log.hash_suite if log else settings.TONGBAN_CRYPTO_SUITE
    return {
        "origin": origin,
        "hash_algorithm": Log.HashSuite(hash_suite).label,
        "tree_size": selectors.published_size(),
        "checkpoint_url": request.build_absolute_uri(reverse("ledger:checkpoint")),
        "verifier_keys": [key.vkey for key in published_keys(origin)],
    }


@router.get(
    "/checkpoints",
    response={200: CheckpointPage, **errors()},
    summary="Earlier signed checkpoints, newest first",
)
def checkpoint_history(
    request,
    limit: str = Query("20", description="How many (1-100)."),
    before_size: str | None = Query(None, description="Only trees smaller than this."),
):
    try:
        count = number(limit, "limit")
        before = number(before_size, "before_size") if before_size is not None else None
    except BadNumber as bad:
        return bad_number(bad.field)
    if not 1 <= count <= MAX_PAGE:
        message = _("Ask for 1 to %(max)s checkpoints.") % {"max": MAX_PAGE}
        return Status(400, error("out_of_range", message, {"limit": [message]}))
    found = selectors.checkpoints(before_size=before, limit=count)
    return {"items": found}


@router.get(
    "/entries/{index}",
    response={200: EntryOut, **errors(404)},
    summary="One entry: its leaf (canonical JSON) and leaf hash",
)
def entry(request, index: str = Path(..., description="The entry's index, from 0.")):
    try:
        position = number(index, "index")
    except BadNumber as bad:
        return bad_number(bad.field)
    found = selectors.entry_at(position)
    if found is None or position >= selectors.published_size():
        return Status(404, error("not_sealed", _("No entry has this index yet.")))
    return {
        "index": found.index,
        "leaf": found.leaf,
        "leaf_hash": b64encode(bytes(found.leaf_hash)),
        "sealed_at": found.sealed_at,
    }


@router.get(
    "/proof/inclusion",
    response={200: InclusionProofOut, **errors(503)},
    summary="RFC 9162 inclusion proof (audit path) of an entry in a tree of a given size",
)
def inclusion_proof(
    request,
    index: str = Query(..., description="The entry's index, from 0."),
    tree_size: str = Query(..., description="The size of a signed tree, at least index + 1."),
):
    try:
        position, size = number(index, "index"), number(tree_size, "tree_size")
    except BadNumber as bad:
        return bad_number(bad.field)
    try:
        leaf_hash, proof = selectors.inclusion_proof(index=position, tree_size=size)
    except selectors.ProofRequestInvalid as invalid:
        return bad_request(invalid)
    except tree.MissingHash as missing:
        return unavailable(missing)
    return {
        "index": position,
        "tree_size": size,
        "leaf_hash": b64encode(leaf_hash),
        "proof": [b64encode(item) for item in proof],
    }


@router.get(
    "/proof/consistency",
    response={200: ConsistencyProofOut, **errors(503)},
    summary="RFC 9162 consistency proof between two tree sizes",
)
def consistency_proof(
    request,
    first: str = Query(..., description="The smaller tree size, at least 1."),
    second: str = Query(..., description="The larger tree size, at most the signed size."),
):
    try:
        old, new = number(first, "first"), number(second, "second")
    except BadNumber as bad:
        return bad_number(bad.field)
    try:
        proof = selectors.consistency_proof(first=old, second=new)
    except selectors.ProofRequestInvalid as invalid:
        return bad_request(invalid)
    except tree.MissingHash as missing:
        return unavailable(missing)
    return {"first": old, "second": new, "proof": [b64encode(item) for item in proof]}
