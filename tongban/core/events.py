"""Domain events through a transactional outbox (Principle 1: nothing happens without a trace).

Every service records its event with `record_event` inside its own transaction; the event
commits with the change or not at all. Consumers read `Event` rows after commit."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tongban.core.logging import current_request_id
from tongban.core.models import Event

Ref = models.Model | str | None


class OutsideTransaction(RuntimeError):
    """`record_event` was called outside `transaction.atomic`: the event could outlive a
    rolled-back change, or be lost with a committed one."""


def reference(thing: Ref) -> str:
    """`app.model:pk` for a model instance; strings (e.g. `system:worker`) pass through."""
    if thing is None:
        return ""
    if isinstance(thing, str):
        return thing
    return f"{thing._meta.label_lower}:{thing.pk}"


def record_event(
    kind: str,
    *,
    subject: models.Model | tuple[str, str],
    payload: dict[str, Any] | None = None,
    actor: Ref,
    on_behalf_of: Ref = None,
) -> Event:
    """Write a domain event to the outbox in the caller's transaction.

    `subject` is the model instance the event is about (or a `(type, id)` pair); `actor` who
    acted and `on_behalf_of` for whom (a guardian for a minor, an agent for a business).
    The payload must be JSON and must not carry personal data: it is sealed into the ledger."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction(f"record_event({kind!r}) needs transaction.atomic")
    if isinstance(subject, models.Model):
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    else:
        subject_type, subject_id = subject
    if not actor:
        raise ValueError("every event names its actor")
    return Event.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=payload or {},
        actor=reference(actor),
        on_behalf_of=reference(on_behalf_of),
        request_id=current_request_id() or "",
        occurred_at=timezone.now(),
    )
