"""Rate limits for anonymous forms (sign-in, registration): a fixed-window count per client
address in the database, shared by every web process. django-axes locks one login after
repeated failures; this limits how fast one address may try logins at all (credential
stuffing) and how many accounts it may register.

The exchange has its own limit per system client (tongban.exchange.gateway); the view
decorator is `tongban.identity.throttle.rate_limited`."""

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from tongban.core import crypto
from tongban.core.models import RateCount


def within_limit(scope: str, client: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt of `scope` by `client`; True while the window holds at most `limit`."""
    window = int(time.time() // seconds)
    key = crypto.blind_index("rate-limit", f"{scope}:{seconds}:{client}")[:64]
    with transaction.atomic():
        updated = RateCount.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another process created it first
                RateCount.objects.filter(key=key, window=window).update(count=F("count") + 1)
            RateCount.objects.filter(window__lt=window - 1).delete()  # older windows
        count = RateCount.objects.get(key=key, window=window).count
    return count <= limit
