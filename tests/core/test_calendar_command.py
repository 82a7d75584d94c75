"""`tongban calendar`: operators load years a newer chinesecalendar release adds, without
overwriting what they entered themselves."""

import pytest
from django.core.management import CommandError, call_command

from tongban.core.calendar import package_years
from tongban.core.models import CalendarDay, CalendarYear, Event
from tongban.core.services import set_calendar_year

pytestmark = pytest.mark.django_db


def test_load_adds_the_missing_package_years_with_an_event(capsys):
    last = package_years()[-1]
    CalendarYear.objects.filter(year=last).delete()
    CalendarDay.objects.filter(date__year=last).delete()
    call_command("calendar", "load")
    assert f"loaded {last}" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=last).source == "chinesecalendar"
    assert CalendarDay.objects.filter(date__year=last).exists()
    assert Event.objects.filter(kind="core.calendaryear.set", subject_id=str(last)).exists()
    call_command("calendar", "load")
    assert "nothing to load" in capsys.readouterr().out


def test_an_operators_year_is_kept_unless_replaced(capsys):
    year = package_years()[-1]
    set_calendar_year(year=year, exceptions=[], source="operator", actor="system:test")
    with pytest.raises(CommandError, match="--replace"):
        call_command("calendar", "load", str(year))
    assert not CalendarDay.objects.filter(date__year=year).exists()
    call_command("calendar", "load", str(year), "--replace")
    assert CalendarDay.objects.filter(date__year=year).exists()


def test_a_year_the_package_lacks_is_refused_with_the_reason():
    year = package_years()[-1] + 5
    with pytest.raises(CommandError, match=str(year)):
        call_command("calendar", "load", str(year))
    assert not CalendarYear.objects.filter(year=year).exists()


def test_status_lists_the_covered_years(capsys):
    call_command("calendar", "status")
    out = capsys.readouterr().out
    assert f"{package_years()[-1]}\tchinesecalendar" in out
