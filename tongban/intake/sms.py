"""Text messages (短信): one small interface, so a real provider is a settings change.

`TONGBAN_SMS_BACKEND` names a class with `send(*, phone, text)`. The default only logs that a
message was sent (never the number or the text: personal data stays out of logs)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tongban.intake.sms")


class SmsBackend:
    """Subclass and implement `send` for a provider (raise on failure)."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Logs a line per message, and keeps nothing: the number and the text are personal data."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("sms sent", extra={"length": len(text)})


def send_sms(*, phone: str, text: str) -> None:
    if phone:
        import_string(settings.TONGBAN_SMS_BACKEND)().send(phone=phone, text=text)
