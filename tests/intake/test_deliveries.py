"""Emails and texts to applicants are written and enqueued in the transaction of the change
they tell about, sent by the worker at least once and never twice once marked sent."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.intake.conftest import submit
from tongban.intake import notifications, sms
from tongban.intake.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(citizen, single_version):
    citizen.person.email = "zhangwei@example.cn"
    citizen.person.save(update_fields=["email"])
    return submit(citizen, single_version)


def test_a_change_writes_its_delivery_and_enqueues_the_send_with_it(submitted):
    delivery = Delivery.objects.get(application=submitted, kind="submitted")
    assert delivery.sent_at is None
    queued = DBTaskResult.objects.filter(task_path="tongban.intake.tasks.send_delivery")
    assert [row.args_kwargs["args"] for row in queued] == [[delivery.pk]]
    assert mail.outbox == []  # nothing leaves the process before the worker sends it


def test_a_rolled_back_change_tells_nobody(submitted):
    before = (Delivery.objects.count(), DBTaskResult.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify_applicant(submitted, "accepted")
        raise RuntimeError("the change failed")
    assert (Delivery.objects.count(), DBTaskResult.objects.count()) == before


def test_sent_once_even_when_the_task_runs_twice(submitted):
    delivery = Delivery.objects.get(application=submitted, kind="submitted")
    assert notifications.send(delivery.pk) is True
    assert notifications.send(delivery.pk) is False
    assert [m.to for m in mail.outbox] == [["zhangwei@example.cn"]]
    assert submitted.number in mail.outbox[0].subject
    delivery.refresh_from_db()
    assert delivery.sent_at is not None


def test_a_mail_server_down_leaves_it_unsent_and_the_sweep_sends_it_later(submitted, monkeypatch):
    delivery = Delivery.objects.get(application=submitted, kind="submitted")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", down)
    with pytest.raises(ConnectionRefusedError):
        notifications.send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.sent_at is None
    assert notifications.resend_unsent() == 0  # too young to retry
    monkeypatch.undo()
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=delivery.created_at - datetime.timedelta(minutes=10)
    )
    assert notifications.resend_unsent() == 1
    assert len(mail.outbox) == 1


class RecordingSms(sms.SmsBackend):
    """A provider for this test only: the platform's own backends keep no number or text."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_a_text_goes_to_the_applicants_phone_through_the_configured_backend(submitted, settings):
    settings.TONGBAN_SMS_BACKEND = f"{__name__}.RecordingSms"
    RecordingSms.sent.clear()
    submitted.person.phone = "13812345678"
    submitted.person.save(update_fields=["phone"])
    notifications.send(Delivery.objects.get(application=submitted, kind="submitted").pk)
    assert [phone for phone, _text in RecordingSms.sent] == ["13812345678"]
    assert submitted.number in RecordingSms.sent[0][1]


def test_the_default_backend_logs_that_a_text_was_sent_and_keeps_nothing_of_it(caplog):
    with caplog.at_level(logging.INFO, logger="tongban.intake.sms"):
        sms.send_sms(phone="13812345678", text="办件 2026 已受理")
    assert [record.getMessage() for record in caplog.records] == ["sms sent"]
    logged = str([vars(record) for record in caplog.records])
    assert "13812345678" not in logged and "已受理" not in logged
    assert not any(isinstance(v, list) for v in vars(sms.LoggingSmsBackend).values())
