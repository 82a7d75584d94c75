"""Periodic jobs run once per slot however many workers ask."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.core.sample_tasks import tick
from tongban.core import periodic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register_periodic_job("tick", every=datetime.timedelta(minutes=1), task=tick)
    return "tick"


def test_a_due_job_is_enqueued_once_per_slot(job):
    now = timezone.now().replace(second=5)
    assert periodic.enqueue_due_jobs(now) == [job]
    assert periodic.enqueue_due_jobs(now + datetime.timedelta(seconds=30)) == []  # same slot
    assert periodic.enqueue_due_jobs(now + datetime.timedelta(minutes=1)) == [job]
    assert DBTaskResult.objects.count() == 2


def test_intervals_shorter_than_ten_seconds_are_refused(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    with pytest.raises(ValueError, match="10 seconds"):
        periodic.register_periodic_job("x", every=datetime.timedelta(seconds=1), task=None)
