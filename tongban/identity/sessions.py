"""Keep `AccountSession` rows in step with Django's sign-in and sign-out signals."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from tongban.identity import services
from tongban.identity.addresses import client_address
from tongban.identity.models import AccountSession


@receiver(user_logged_in, dispatch_uid="identity.session_started")
def session_started(sender, request, user, **kwargs):
    """Django has just given the session a new key (no fixation); track it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.save()  # make sure the new key exists in the store
    services.start_session(
        account=user,
        session_key=request.session.session_key,
        client_address=client_address(request),
        user_agent=request.headers.get("User-Agent", ""),
    )


@receiver(user_logged_out, dispatch_uid="identity.session_ended")
def session_ended(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not key:
        return
    session = AccountSession.objects.filter(session_key=key, ended_at__isnull=True).first()
    if session:
        services.end_session(actor=user, session=session, reason=AccountSession.EndReason.LOGOUT)


def rekey_session(request, account) -> None:
    """After a password change: a new session id that stays signed in (and keeps its
    verified second factor), with its tracking row following the new id."""
    old_key = request.session.session_key
    update_session_auth_hash(request, account)
    AccountSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key
    )
