"""Working days (工作日): legal and committed time limits are counted on this calendar.

A day is a working day when it is Monday to Friday, unless the calendar table says otherwise
(a holiday on a weekday, a make-up working Saturday or Sunday). Years without calendar data
raise `CalendarUnavailable`: a guessed legal deadline would be a wrong one."""

import datetime

from django.utils.translation import gettext_lazy as _

from tongban.core.models import CalendarDay, CalendarYear


class CalendarUnavailable(Exception):
    """The holidays of this year are not known yet; an operator must enter them."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar has no data for %(year)s; an operator must enter "
                "that year's holidays first."
            )
            % {"year": year}
        )


class WorkingDayCalendar:
    """Loads each year's exceptions once, so long spans cost one query per year."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, bool]] = {}

    def _exceptions(self, year: int) -> dict[datetime.date, bool]:
        if year not in self._years:
            days = dict(
                CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
            )
            # A covered year has its holidays: asking whether it is covered costs a second
            # query only for a year without a single exception entered.
            if not days and not CalendarYear.objects.filter(year=year).exists():
                raise CalendarUnavailable(year)
            self._years[year] = days
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        return self._exceptions(day.year).get(day, day.weekday() < 5)

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date on which `days` working days after `start` have passed (start itself does
        not count; 0 gives `start`). A time limit of N working days from a submission on
        `start` ends on `add_working_days(start, N)`."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is
        earlier. The inverse of `add_working_days` for working-day ends."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkingDayCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return WorkingDayCalendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkingDayCalendar().working_days_between(start, end)


def package_years() -> range:
    """The years the `chinesecalendar` package covers."""
    import chinese_calendar

    years = sorted({day.year for day in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


def package_exceptions(year: int) -> list[tuple[datetime.date, bool, str]]:
    """One year's exceptions to the weekday rule as `chinesecalendar` knows them, with the
    holiday's Chinese name. Raises `CalendarUnavailable` for years the package lacks."""
    import chinese_calendar

    if year not in package_years():
        raise CalendarUnavailable(year)
    chinese_names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            rows.append((day, working, chinese_names.get(name, name or "")))
        day += datetime.timedelta(days=1)
    return rows
