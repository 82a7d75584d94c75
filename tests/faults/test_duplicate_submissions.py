"""(d) Twenty copies of one submission, same Idempotency-Key, arrive at the same moment on two
servers: one application, one receipt number, one workflow, one event, one message; every copy
is answered with that same application."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.harness import (
    assert_applications_exactly_once,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
)
from tongban.intake.models import Application

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

COPIES = 20


def test_twenty_concurrent_duplicates_make_one_application(applicants):
    (applicant,) = applicants(1)
    with platform(database_url(), webs=2, workers=1, web_workers=2, threads=8) as running:
        bases = [web.base for web in running.webs]
        applicant.sign_in(bases[0])
        applicant.submit(bases[1])  # warm both servers' code paths with a first application
        applicant.submit(bases[0])
        start = threading.Barrier(COPIES)

        def copy(i: int):
            start.wait(timeout=30)
            return applicant.submit(bases[i % 2], key="one-key-for-all-copies", timeout=60)

        with ThreadPoolExecutor(max_workers=COPIES) as pool:
            copies = list(pool.map(copy, range(COPIES)))
        assert {c.status for c in copies} == {201}, copies
        assert len({(c.application_id, c.number) for c in copies}) == 1
        assert Application.objects.filter(number=copies[0].number).count() == 1
        assert_applications_exactly_once(applicant.submissions)
        assert Application.objects.exclude(number="").count() == 3
        assert_sealed_exactly_once()
        assert running.running(), running.output()
    assert_no_task_lost()
