"""Rate limits on the anonymous identity forms (sign-in, registration), per client address."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render

from tongban.core.ratelimit import within_limit
from tongban.identity.addresses import client_address


def rate_limited(scope: str):
    """Decorate a view: POSTs over `settings.TONGBAN_RATE_LIMITS[scope]` (limit, seconds) from
    one client address get a localized 429 page with Retry-After; the view does not run."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                limit, seconds = settings.TONGBAN_RATE_LIMITS[scope]
                address = client_address(request) or "unknown"
                if not within_limit(scope, address, limit=limit, seconds=seconds):
                    response = render(request, "identity/too_many.html", status=429)
                    response["Retry-After"] = str(seconds)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
