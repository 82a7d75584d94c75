"""Writes to the shared kernel: regions, departments and the working-day calendar.

Each write validates the whole row, records a domain event and commits in one transaction;
writing values a row already has changes nothing and records nothing (seeds rely on this)."""

import datetime
from typing import Any

from django.db import models, transaction

from tongban.core.calendar import package_exceptions
from tongban.core.events import Ref, record_event
from tongban.core.models import CalendarDay, CalendarYear, Department, Region


@transaction.atomic
def save_record(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any], actor: Ref
) -> tuple[models.Model, str]:
    """Create or update the row matching `lookup`; returns it and "created", "updated" or
    "unchanged". Validates with `full_clean` before writing anything."""
    instance = model.objects.select_for_update().filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup)
    changed = [
        name for name, value in values.items() if created or getattr(instance, name) != value
    ]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    status = "created" if created else "updated"
    record_event(
        f"{model._meta.label_lower}.{status}",
        subject=instance,
        payload={"fields": sorted(changed)},
        actor=actor,
    )
    return instance, status


def save_region(*, code: str, name: str, parent: Region | None, actor: Ref) -> tuple[Region, str]:
    level = (
        Region.Level.PROVINCE
        if code.endswith("0000")
        else Region.Level.CITY
        if code.endswith("00")
        else Region.Level.COUNTY
    )
    return save_record(
        Region,
        lookup={"code": code},
        values={"name": name, "parent": parent, "level": level},
        actor=actor,
    )


def save_department(
    *,
    credit_code: str,
    name: str,
    short_name: str,
    region: Region,
    kind: str,
    parent: Department | None = None,
    actor: Ref,
) -> tuple[Department, str]:
    return save_record(
        Department,
        lookup={"credit_code": credit_code},
        values={
            "name": name,
            "short_name": short_name,
            "region": region,
            "kind": kind,
            "parent": parent,
        },
        actor=actor,
    )


@transaction.atomic
def set_calendar_year(
    *, year: int, exceptions: list[tuple[datetime.date, bool, str]], source: str, actor: Ref
) -> CalendarYear:
    """Replace one year's exceptions (holidays on weekdays, make-up working weekends).

    Operators use this for years that `chinesecalendar` does not cover yet."""
    if any(day.year != year for day, _working, _name in exceptions):
        raise ValueError("every exception must fall in the year being set")
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source}
    )
    CalendarDay.objects.filter(date__year=year).delete()
    days = [
        CalendarDay(date=day, is_working_day=working, name=name)
        for day, working, name in exceptions
    ]
    for day in days:
        day.full_clean()
    CalendarDay.objects.bulk_create(days)
    record_event(
        "core.calendaryear.set",
        subject=calendar_year,
        payload={"source": source, "exceptions": len(days)},
        actor=actor,
    )
    return calendar_year


def load_package_calendar(year: int, *, actor: Ref) -> CalendarYear:
    """Load one year from the `chinesecalendar` package (2004 up to its last published year)."""
    return set_calendar_year(
        year=year,
        exceptions=package_exceptions(year),
        source=CalendarYear.Source.PACKAGE,
        actor=actor,
    )


@transaction.atomic
def save_calendar_day(
    *, date: datetime.date, is_working_day: bool, name: str, actor: Ref
) -> CalendarDay:
    """Add or change one exception in a year that is already in the calendar."""
    day, _status = save_record(
        CalendarDay,
        lookup={"date": date},
        values={"is_working_day": is_working_day, "name": name},
        actor=actor,
    )
    return day


@transaction.atomic
def remove_calendar_day(*, day: CalendarDay, actor: Ref) -> None:
    record_event("core.calendarday.removed", subject=day, payload={}, actor=actor)
    day.delete()
