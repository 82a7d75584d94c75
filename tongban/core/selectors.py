"""Reads of the shared kernel."""

from django.db.models import QuerySet

from tongban.core.models import Department


def departments() -> QuerySet[Department]:
    """All departments, with their region, in display order."""
    return Department.objects.select_related("region").order_by("region_id", "name")
