"""Who is calling the exchange: a system client proven by an OAuth 2 bearer token (client
credentials, validated by django-oauth-toolkit), or named by a trusted information mediator.

A call is never turned away here: an unidentified caller becomes a `Caller` without a client,
so that the gateway can log the refused call like any other (ADR 0051)."""

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from oauth2_provider.oauth2_backends import get_oauthlib_core

from tongban.exchange.models import SystemClient

MEDIATOR_HEADER = "Information-Mediator-Client"
SCOPE = "exchange"


@dataclass(frozen=True)
class Caller:
    """The calling system, or why there is none (`problem`: a refusal code)."""

    client: SystemClient | None
    channel: str
    problem: str = ""
    mediator_client: str = ""

    def __bool__(self) -> bool:  # ninja treats a falsy auth result as "not authenticated"
        return True


@cache
def _trusted_networks(addresses: tuple[str, ...]):
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def is_trusted_mediator(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.TONGBAN_TRUSTED_MEDIATORS))
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


@cache
def _oauth_core():
    return get_oauthlib_core()


# Token checks remembered per process: token checksum -> (client, token expiry, checked at).
# django-oauth-toolkit validates every token first; a revoked token or a deactivated client
# is refused within TOKEN_CACHE_SECONDS everywhere; an expired token at once (ADR 0051).
TOKEN_CACHE_SECONDS = 5
_tokens: dict[str, tuple[SystemClient, float, float]] = {}


def forget_tokens() -> None:
    _tokens.clear()


def _client_for_token(request) -> tuple[SystemClient | None, str]:
    """The active system client a valid bearer token belongs to, or a refusal code."""
    bearer = request.headers.get("Authorization", "")[len("Bearer ") :].strip()
    checksum = hashlib.sha256(bearer.encode()).hexdigest()
    now = time.time()
    hit = _tokens.get(checksum)
    if hit and now - hit[2] < TOKEN_CACHE_SECONDS and now < hit[1]:
        return hit[0], ""
    valid, oauth_request = _oauth_core().verify_request(request, scopes=[SCOPE])
    if not valid:
        return None, "invalid_token"
    token = oauth_request.access_token
    client = next(
        iter(
            SystemClient.objects.select_related("department").filter(
                application_id=token.application_id, is_active=True
            )[:1]
        ),
        None,
    )
    if client is None:
        return None, "not_a_system_client"
    if len(_tokens) > 10_000:
        _tokens.clear()
    _tokens[checksum] = (client, token.expires.timestamp(), now)
    return client, ""


def identify(request, *, channel: str) -> Caller:
    """Identify the calling system of an HTTP request.

    - `Authorization: Bearer` — the token must be valid and belong to an active system
      client; an `Information-Mediator-Client` header, if sent, must name that same system.
    - no token, from an address in TONGBAN_TRUSTED_MEDIATORS — the mediator (e.g. an X-Road
      security server, which authenticated the caller with mutual TLS) names the system in
      `Information-Mediator-Client`.
    The peer address is REMOTE_ADDR: the mediator must connect directly, not via a proxy."""
    named = request.headers.get(MEDIATOR_HEADER, "").strip()[:200]
    if request.headers.get("Authorization", "").startswith("Bearer "):
        client, problem = _client_for_token(request)
        if client is None:
            return Caller(None, channel, problem, named)
        if named and named != client.mediator_id:
            return Caller(None, channel, "mediator_mismatch", named)
        return Caller(client, channel, "", named)
    if named and is_trusted_mediator(request.META.get("REMOTE_ADDR", "")):
        client = (
            SystemClient.objects.select_related("department")
            .filter(mediator_id=named, is_active=True)
            .first()
        )
        if client is None:
            return Caller(None, channel, "unknown_mediator_client", named)
        return Caller(client, channel, "", named)
    return Caller(None, channel, "unauthenticated", named)
