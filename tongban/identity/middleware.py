"""Session rules on every request: tracked, idle timeout, absolute lifetime, and officials
only with a verified second factor."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.identity import services
from tongban.identity.models import AccountSession

LAST_SEEN_GRANULARITY = timedelta(seconds=60)


def _end_reason(request, session: AccountSession | None) -> str | None:
    """Why this signed-in request may not go on, or None."""
    if session is None or session.ended_at is not None:
        return AccountSession.EndReason.REVOKED
    now = timezone.now()
    if now - session.started_at > timedelta(seconds=settings.TONGBAN_SESSION_ABSOLUTE_SECONDS):
        return AccountSession.EndReason.EXPIRED
    if now - session.last_seen_at > timedelta(seconds=settings.TONGBAN_SESSION_IDLE_SECONDS):
        return AccountSession.EndReason.IDLE
    if request.user.needs_second_factor and not request.user.is_verified():
        return AccountSession.EndReason.REVOKED
    return None


class SessionPolicyMiddleware:
    """Sign out a session that was ended elsewhere, sat idle too long, outlived its absolute
    lifetime, or belongs to an official without a verified second factor (e.g. a password
    sign-in through another form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            key = request.session.session_key
            session = AccountSession.objects.filter(session_key=key).first() if key else None
            reason = _end_reason(request, session)
            if reason:
                if session is not None:
                    services.end_session(actor=request.user, session=session, reason=reason)
                logout(request)
                if reason in (AccountSession.EndReason.IDLE, AccountSession.EndReason.EXPIRED):
                    messages.info(request, _("Your session has ended. Please sign in again."))
                if not request.path.startswith("/api/"):
                    return redirect(settings.LOGIN_URL)
            elif timezone.now() - session.last_seen_at > LAST_SEEN_GRANULARITY:
                AccountSession.objects.filter(pk=session.pk).update(last_seen_at=timezone.now())
        return self.get_response(request)
