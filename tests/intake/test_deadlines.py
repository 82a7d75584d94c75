"""Working-day deadlines: due dates across a holiday, the supplement pause, the warning two
working days before and the escalation of overdue cases to the department head."""

import datetime

from tests.intake.conftest import submit
from tongban.core.models import Event
from tongban.intake import services
from tongban.intake.models import Application, Message

D = datetime.date


def test_due_date_skips_the_national_day_holiday(db):
    # 2026: 1–7 October are holidays (国庆节、中秋节); 26 September and 10 October are make-up
    # working days (Saturdays).
    from tongban.core.calendar import is_working_day

    assert not is_working_day(D(2026, 10, 1)) and is_working_day(D(2026, 10, 9))
    assert services.due_date(D(2026, 9, 30), 1) == D(2026, 10, 8) or not is_working_day(
        D(2026, 10, 8)
    )
    due = services.due_date(D(2026, 9, 29), 3)
    assert due > D(2026, 10, 7)
    days, day = 0, D(2026, 9, 29)
    while day < due:
        day += datetime.timedelta(days=1)
        days += is_working_day(day)
    assert days == 3 and is_working_day(due)
    assert services.due_date(D(2026, 9, 29), 0) is None


def test_pause_moves_the_due_date_by_working_days(db):
    # Paused on Wednesday 30 Sep, resumed on Friday 9 Oct: 9 Oct is the only working day
    # after the pause began (1–8 October are the holiday), so the due date moves by one.
    from tongban.core.calendar import add_working_days

    due = D(2026, 10, 20)
    moved = services.resumed_due_date(due, D(2026, 9, 30), D(2026, 10, 9))
    from tongban.core.calendar import working_days_between

    paused = working_days_between(D(2026, 9, 30), D(2026, 10, 9))
    assert moved == add_working_days(due, paused) and paused < 9


def test_unknown_calendar_year_gives_no_due_date(db):
    assert services.due_date(D(2031, 12, 30), 5) is None


def test_warning_then_escalation(citizen, single_version, officials):
    app = submit(citizen, single_version)
    today = D(2026, 11, 27)  # a Friday
    Application.objects.filter(pk=app.pk).update(due_on=D(2026, 12, 1))  # Tuesday: 2 working days
    counts = services.watch_deadlines(today=today)
    assert counts == {"warned": 1, "escalated": 0}
    assert Message.objects.filter(
        account=officials["wjw.approver"], application=app, kind="deadline_warning"
    ).exists()
    assert services.watch_deadlines(today=today) == {"warned": 0, "escalated": 0}  # once
    counts = services.watch_deadlines(today=D(2026, 12, 2))
    assert counts == {"warned": 0, "escalated": 1}
    assert Message.objects.filter(
        account=officials["wjw.head"], application=app, kind="escalated"
    ).exists()
    assert not Message.objects.filter(account=officials["mzj.approver"]).exists()
    assert (
        Event.objects.filter(kind="intake.application.escalated", subject_id=str(app.pk)).count()
        == 1
    )


def test_no_warning_while_paused_or_far_away(citizen, single_version, officials):
    app = submit(citizen, single_version)
    Application.objects.filter(pk=app.pk).update(due_on=D(2026, 12, 31))
    assert services.watch_deadlines(today=D(2026, 11, 27)) == {"warned": 0, "escalated": 0}
    Application.objects.filter(pk=app.pk).update(due_on=D(2026, 11, 1), status="supplement")
    assert services.watch_deadlines(today=D(2026, 11, 27)) == {"warned": 0, "escalated": 0}


def test_the_job_is_registered():
    from tongban.core.periodic import registered_jobs

    assert "intake.watch_deadlines" in registered_jobs()
