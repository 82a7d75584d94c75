"""(a) A web worker is killed (-9) while calls are in flight: gunicorn forks a new one, the
calls it was answering are lost to their callers (and may be retried), and nothing half-done
remains — every answered call has its access-log line, every committed event is sealed once."""

import os
import signal
import time

import pytest

from tests.faults.harness import (
    assert_access_log_complete,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_killing_a_web_worker_mid_request_loses_nothing_committed(exchange):
    with platform(database_url(), web_workers=2, threads=4) as running:
        web = running.webs[0]
        exchange.fetch_token(web.base)
        with exchange.background([web.base], concurrency=6):
            wait_for(lambda: len(exchange.calls) >= 20, timeout=30, what="calls flowing")
            victim = web.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            wait_for(
                lambda: len(web.worker_pids()) == 2 and victim not in web.worker_pids(),
                timeout=60,
                what="gunicorn replaced the killed worker",
            )
            time.sleep(0.5)
        # Recovered: fresh calls all answered as they should be.
        after = exchange.run([web.base], 12, concurrency=4, start=10_000)
        assert [c.status for c in after] == [c.expected for c in after], running.output()
        assert running.running(), running.output()
        assert_access_log_complete(exchange.calls)
        assert_sealed_exactly_once()
    assert_no_task_lost()
    assert sum(c.status is not None for c in exchange.calls) >= 30
