"""Ledger receipts (留痕回执): where a domain event sits in the tamper-evident ledger.

A decision, an e-licence or a data access shows its ledger index so that the person concerned
can check it. Apps must not import the ledger (it depends on them, not the other way round),
so the ledger registers its lookup here when it starts, and apps ask `receipt_for`.

There is no receipt until the ledger has sealed the event (the task worker does that within
seconds of the commit), nor when no ledger is installed: callers show "not sealed yet"."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """An event's position in the ledger and the public page that proves it is there."""

    index: int
    verify_url: str


ReceiptLookup = Callable[[list[int]], dict[int, Receipt]]

_lookup: ReceiptLookup | None = None


def register_receipt_lookup(lookup: ReceiptLookup) -> None:
    """Called once by the ledger app: `lookup(event_ids)` returns the sealed ones' receipts."""
    global _lookup
    _lookup = lookup


def receipts_for(event_ids: Iterable[int]) -> dict[int, Receipt]:
    """Receipts of the sealed events among `event_ids`, by event id, in one lookup (lists)."""
    ids = sorted({int(event_id) for event_id in event_ids})
    if _lookup is None or not ids:
        return {}
    return _lookup(ids)


def receipt_for(event_id: int) -> Receipt | None:
    """The receipt of one event, or None while it is not sealed."""
    return receipts_for([event_id]).get(int(event_id))
