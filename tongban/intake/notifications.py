"""Notifications (消息提醒): an in-app message for every recipient, an email where the person
gave an address, and a text message through the SMS backend, on receipt, acceptance,
supplement request, decision and deadlines.

Messages and outside deliveries are written in the caller's transaction, and the task that
sends an email and text is enqueued in it too (the task queue is a table): a rolled-back change
tells nobody anything, and a committed one is told at least once even if the web process dies
right after the commit. A delivery already marked sent is never sent again."""

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.identity.models import Account, Official
from tongban.intake.models import Application, Delivery, Message
from tongban.intake.sms import send_sms

logger = logging.getLogger("tongban.intake")


def subjects() -> dict[str, str]:
    return {
        "submitted": _("Application %(number)s received"),
        "accepted": _("Application %(number)s accepted"),
        "refused": _("Application %(number)s not accepted"),
        "supplement": _("Application %(number)s: please supply missing material"),
        "approved": _("Application %(number)s approved"),
        "rejected": _("Application %(number)s rejected"),
        "delivered": _("Application %(number)s: result delivered"),
        "withdrawn": _("Application %(number)s withdrawn"),
        "review_requested": _("Application %(number)s: human review requested"),
        "deadline_warning": _("Application %(number)s is due soon"),
        "escalated": _("Application %(number)s is overdue"),
    }


def applicant_accounts(application: Application) -> list[Account]:
    """Who hears about an application: the applicant person's account, and whoever applied
    for them online (a guardian, a business's agent)."""
    accounts = {}
    person = application.person
    if person is not None and person.account_id:
        accounts[person.account_id] = person.account
    creator = application.created_by
    if creator.kind == Account.Kind.PERSON:
        accounts[creator.pk] = creator
    if application.business_id and application.business.legal_representative.account_id:
        rep = application.business.legal_representative
        accounts[rep.account_id] = rep.account
    return list(accounts.values())


def _deliver_outside(application: Application, kind: str, subject: str, body: str) -> None:
    from tongban.intake.tasks import send_delivery

    delivery = Delivery.objects.create(
        application=application, kind=kind, subject=subject, body=body
    )
    send_delivery.enqueue(delivery.pk)


def send(delivery_id: int) -> bool:
    """Send one delivery by email and text to the applicant's current contact details; False
    when it was sent before (the worker runs tasks at least once) or has no one to reach."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("application__person")
            .filter(pk=delivery_id, sent_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        person = delivery.application.person
        if person is not None:
            if person.email:
                send_mail(delivery.subject, delivery.body, None, [person.email])
            if person.phone:
                send_sms(phone=person.phone, text=delivery.subject)
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return person is not None


def resend_unsent(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Send again what is still unsent `older_than` after it was written."""
    due = Delivery.objects.filter(
        sent_at__isnull=True, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)[:500]
    count = 0
    for delivery_id in due:
        try:
            count += send(delivery_id)
        except Exception:  # one unreachable address must not stop the rest
            logger.warning("delivery %s not sent; will retry", delivery_id)
    return count


def notify_applicant(application: Application, kind: str, body: str = "") -> list[Message]:
    subject = subjects()[kind] % {"number": application.number or application.pk}
    messages = [
        Message.objects.create(
            account=account, application=application, kind=kind, subject=subject, body=body
        )
        for account in applicant_accounts(application)
    ]
    person = application.person
    if person is not None and (person.email or person.phone):
        _deliver_outside(application, kind, subject, body)
    return messages


def notify_officials(
    application: Application, kind: str, *, department_id: int, roles: tuple[str, ...]
) -> list[Message]:
    """A message to every official of the department holding one of `roles`."""
    subject = subjects()[kind] % {"number": application.number}
    officials = Official.objects.filter(
        department_id=department_id, roles__role__in=roles
    ).distinct()
    return [
        Message.objects.create(
            account_id=official.account_id, application=application, kind=kind, subject=subject
        )
        for official in officials
    ]
