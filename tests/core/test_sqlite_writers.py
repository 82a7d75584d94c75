"""SQLite writers queue for the write lock by trying `BEGIN IMMEDIATE` again every half
millisecond, not by SQLite's busy handler, whose sleeps grow to 100 ms (tongban.core.sqlite)."""

import sqlite3

import pytest
from django.db import OperationalError, connection, transaction

from tongban.core.models import CalendarYear
from tongban.core.sqlite import base

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_writer():
    """Another connection holding the write lock, as a second process would."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    held = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    held.execute("BEGIN IMMEDIATE")
    yield held
    if held.in_transaction:
        held.rollback()
    held.close()


def busy_timeout() -> int:
    return connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]


def test_a_writer_waits_in_short_steps_and_writes_once_the_lock_is_free(other_writer, monkeypatch):
    naps = []

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 5:
            other_writer.commit()  # the other writer is done

    monkeypatch.setattr(base.time, "sleep", nap)
    with transaction.atomic():
        CalendarYear.objects.create(year=2099, source="operator")
    assert naps == [base.POLL_SECONDS] * 5
    assert CalendarYear.objects.filter(year=2099).exists()
    assert busy_timeout() == 20_000  # statements keep SQLite's busy handler


def test_a_writer_gives_up_after_the_timeout_with_nothing_written(other_writer, monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.05)
    with pytest.raises(OperationalError, match="locked"), transaction.atomic():
        CalendarYear.objects.create(year=2098, source="operator")
    other_writer.rollback()
    assert not CalendarYear.objects.filter(year=2098).exists()
    assert busy_timeout() == 50
    assert not base.WRITERS.locked()  # the next writer of this process is not kept waiting
