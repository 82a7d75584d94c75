"""Periodic jobs: apps register a task and an interval; task workers enqueue it when due.

Every worker's heartbeat loop calls `enqueue_due_jobs`; a unique (job, time slot) row makes
sure that N workers enqueue each run once between them. The Django Tasks API has no
scheduler of its own; this is the smallest one that is safe with several workers."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.models import PeriodicRun

KEEP_RUNS = datetime.timedelta(days=2)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    task: object  # a django_tasks Task


_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, *, every: datetime.timedelta, task) -> None:
    """Run `task` (a Django Tasks task without arguments) once per `every`."""
    if every < datetime.timedelta(seconds=10):
        raise ValueError("periodic jobs run at most every 10 seconds")
    _jobs[name] = PeriodicJob(name, every, task)


def registered_jobs() -> dict[str, PeriodicJob]:
    return dict(_jobs)


def enqueue_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not run yet; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in _jobs.values():
        slot = int(now.timestamp() // job.every.total_seconds())
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot)
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(job.name)
    PeriodicRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()
    return enqueued
