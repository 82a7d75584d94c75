"""(a) A web worker is killed (-9) while submissions and exchange calls are in flight:
gunicorn forks a new one, the calls it was answering are lost to their callers (who may retry
with the same Idempotency-Key), and nothing half-done remains — every application that got a
receipt exists once with its workflow running, every answered exchange call has its
access-log line, every committed event is sealed once."""

import os
import signal
import threading
import time

import pytest

from tests.faults.harness import (
    assert_access_log_complete,
    assert_applications_exactly_once,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_killing_a_web_worker_mid_request_loses_nothing_committed(exchange, applicants):
    citizens = applicants(3)
    with platform(database_url(), web_workers=2, threads=4) as running:
        web = running.webs[0]
        exchange.fetch_token(web.base)
        for citizen in citizens:
            citizen.sign_in(web.base)
        stop = threading.Event()

        def keep_applying(citizen):
            while not stop.is_set():
                submission = citizen.submit(web.base, timeout=15)
                if submission.status is None:  # no answer: retry once with the same key
                    citizen.submit(web.base, key=submission.key, timeout=15)

        appliers = [threading.Thread(target=keep_applying, args=(c,)) for c in citizens]
        for thread in appliers:
            thread.start()
        try:
            with exchange.background([web.base], concurrency=3):
                wait_for(lambda: len(exchange.calls) >= 20, timeout=30, what="calls flowing")
                victim = web.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                wait_for(
                    lambda: len(web.worker_pids()) == 2 and victim not in web.worker_pids(),
                    timeout=60,
                    what="gunicorn replaced the killed worker",
                )
                time.sleep(0.5)
        finally:
            stop.set()
            for thread in appliers:
                thread.join(timeout=60)
        # Recovered: fresh calls and submissions all answered as they should be.
        after = exchange.run([web.base], 12, concurrency=4, start=10_000)
        assert [c.status for c in after] == [c.expected for c in after], running.output()
        assert citizens[0].submit(web.base).status == 201
        assert running.running(), running.output()
        submissions = [s for c in citizens for s in c.submissions]
        assert_applications_exactly_once(submissions)
        assert_access_log_complete(exchange.calls)
        assert_sealed_exactly_once()
    assert_no_task_lost()
    assert sum(c.status is not None for c in exchange.calls) >= 30
    assert sum(s.status == 201 for s in submissions) >= 3
