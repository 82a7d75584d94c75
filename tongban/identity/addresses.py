"""Who is knocking: the real client address, and a privacy-safe key for a sign-in name.

Lockout (django-axes) is keyed on both, so a spoofed header cannot reset a counter and a
stored attempt never holds an ID number, phone number or email address in clear."""

import ipaddress

from django.conf import settings

from tongban.core import crypto


def client_address(request) -> str | None:
    """`REMOTE_ADDR`, or — behind `TONGBAN_TRUSTED_PROXY_COUNT` proxies that each append to
    X-Forwarded-For — the address the outermost trusted proxy saw. Anything the client wrote
    itself into the header further left is ignored."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TONGBAN_TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            remote = hops[-proxies]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def normalized_identifier(identifier: str) -> str:
    """The form an ID number, phone number, email address or login is compared in."""
    value = (identifier or "").strip()
    return value.lower() if "@" in value else value.upper()


def login_key(request, credentials: dict | None = None) -> str:
    """The keyed hash of the sign-in name that django-axes counts failures under."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    identifier = normalized_identifier(source.get("username") or "")
    return crypto.blind_index("login", identifier) if identifier else ""
