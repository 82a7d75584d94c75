"""Working days across holidays and make-up days, and a clear refusal for unknown years."""

import datetime

import pytest

from tongban.core import calendar, services
from tongban.core.calendar import CalendarUnavailable, WorkingDayCalendar
from tongban.core.models import CalendarDay, CalendarYear

D = datetime.date
pytestmark = pytest.mark.django_db


def test_2026_spring_festival_is_nine_days_off():
    for day in range(15, 24):
        assert not calendar.is_working_day(D(2026, 2, day)), D(2026, 2, day)
    assert calendar.is_working_day(D(2026, 2, 13))
    assert calendar.is_working_day(D(2026, 2, 24))


def test_2026_make_up_saturday_before_spring_festival_is_a_working_day():
    assert D(2026, 2, 14).weekday() == 5
    assert calendar.is_working_day(D(2026, 2, 14))
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).name == "春节"


def test_adding_working_days_across_the_spring_festival():
    # Friday 13 Feb + 1 = the make-up Saturday; + 2 jumps the whole holiday to Tuesday 24 Feb.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert calendar.add_working_days(D(2026, 2, 13), 0) == D(2026, 2, 13)


def test_working_days_between_is_the_inverse_of_adding():
    start = D(2026, 1, 28)
    for days in range(0, 40):
        end = calendar.add_working_days(start, days)
        assert calendar.working_days_between(start, end) == days
    assert calendar.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2


def test_ordinary_weeks():
    assert calendar.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)  # Fri -> next Fri
    assert calendar.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # weekend skipped


def test_a_year_costs_one_query_and_a_covered_year_without_exceptions_is_weekdays(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):  # the year's exceptions: it has some, so it is covered
        assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    CalendarYear.objects.create(year=2091, source=CalendarYear.Source.OPERATOR)
    with django_assert_num_queries(2):  # none entered: is the year covered at all?
        assert calendar.add_working_days(D(2091, 1, 5), 5) == D(2091, 1, 12)


def test_a_year_without_data_is_refused_not_guessed():
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(CalendarUnavailable) as error:
        calendar.add_working_days(D(2026, 12, 25), 10)
    assert error.value.year == 2027
    assert "2027" in str(error.value)
    with pytest.raises(CalendarUnavailable):
        calendar.is_working_day(D(2027, 1, 4))


def test_operators_can_enter_a_later_year():
    services.set_calendar_year(
        year=2027,
        exceptions=[(D(2027, 1, 1), False, "元旦"), (D(2027, 2, 6), True, "春节")],
        source=CalendarYear.Source.OPERATOR,
        actor="user:operator",
    )
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 2, 6))  # a Saturday, made a working day
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_an_exception_that_restates_the_weekday_rule_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.save_calendar_day(
            date=D(2026, 3, 10), is_working_day=True, name="x", actor="user:operator"
        )
    assert not CalendarDay.objects.filter(date=D(2026, 3, 10)).exists()


def test_every_package_year_is_loaded():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(calendar.package_years()) <= years


def test_a_calendar_instance_reads_each_year_once(django_assert_max_num_queries):
    cal = WorkingDayCalendar()
    with django_assert_max_num_queries(4):
        cal.add_working_days(D(2025, 12, 1), 60)
