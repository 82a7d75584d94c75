"""Notifications (消息提醒): an in-app message for every recipient, an email where the person
gave an address, and a text message through the SMS backend, on receipt, acceptance,
supplement request, decision and deadlines.

Messages are written in the caller's transaction; emails and texts go out after the commit,
so a rolled-back change never tells anyone anything."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.identity.models import Account, Official
from tongban.intake.models import Application, Message
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


def _deliver_outside(*, email: str, phone: str, subject: str, body: str) -> None:
    def send() -> None:
        try:
            if email:
                send_mail(subject, body, None, [email], fail_silently=False)
            send_sms(phone=phone, text=subject)
        except Exception:  # a mail server being down must not undo the committed change
            logger.exception("notification not delivered")

    transaction.on_commit(send)


def notify_applicant(application: Application, kind: str, body: str = "") -> list[Message]:
    subject = subjects()[kind] % {"number": application.number or application.pk}
    messages = [
        Message.objects.create(
            account=account, application=application, kind=kind, subject=subject, body=body
        )
        for account in applicant_accounts(application)
    ]
    person = application.person
    if person is not None:
        _deliver_outside(email=person.email, phone=person.phone, subject=subject, body=body)
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
