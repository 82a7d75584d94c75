"""Authorization helpers: every app states its rules in `policies.py` with django-rules;
services call `require`, which raises `NotPermitted` (mapped to 403 by views and APIs)."""

import rules
from django.core.exceptions import PermissionDenied


class NotPermitted(PermissionDenied):
    """The actor may not do this to this object."""

    def __init__(self, permission: str):
        self.permission = permission
        super().__init__(permission)


def allowed(actor, permission: str, obj=None) -> bool:
    return bool(actor) and rules.has_perm(permission, actor, obj)


def require(actor, permission: str, obj=None) -> None:
    """Raise `NotPermitted` unless `actor` holds `permission` on `obj`."""
    if not allowed(actor, permission, obj):
        raise NotPermitted(permission)
