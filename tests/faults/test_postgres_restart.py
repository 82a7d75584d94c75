"""(c) PostgreSQL restarts (`pg_ctlcluster ... restart -m immediate`: every backend killed, the
server crash-recovers) under load. The web processes and the task worker stay up and reconnect
on their own; calls during the outage fail cleanly (no answer, or 503) and leave nothing
behind; every call answered with success or a refusal has its log line, and every committed
event is sealed exactly once afterwards.

Other sessions share this PostgreSQL server: the test restarts it once."""

import subprocess
import time

import pytest
import requests

from tests.faults.harness import (
    assert_access_log_complete,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    platform,
    postgres_accepts,
    reconnect,
    the_cluster,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def restart_postgres() -> None:
    version, name = the_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "immediate"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_the_platform_rides_out_a_postgres_restart(exchange):
    with platform(database_url(), web_workers=2, threads=4) as running:
        web = running.webs[0]
        exchange.fetch_token(web.base)
        with exchange.background([web.base], concurrency=4):
            wait_for(lambda: len(exchange.calls) >= 30, timeout=30, what="calls flowing")
            restart_postgres()
            reconnect()
            wait_for(postgres_accepts, timeout=60, what="PostgreSQL back")
            restarted_at = len(exchange.calls)
            # The load goes on until calls succeed again through the same processes.
            wait_for(
                lambda: any(c.status == 200 for c in exchange.calls[restarted_at:]),
                timeout=60,
                what="calls succeed again",
            )
            time.sleep(1)
        assert running.running(), "a process died with the database:\n" + running.output()
        after = exchange.run([web.base], 12, concurrency=4, start=10_000)
        assert [c.status for c in after] == [c.expected for c in after], running.output()
        # Ready again once the worker has beaten on the restarted server (within seconds).
        wait_for(
            lambda: requests.get(web.base + "/readyz", timeout=10).status_code == 200,
            timeout=20,
            step=0.5,
            what="/readyz ready",
        )
        outage = [c for c in exchange.calls if c.status is None or c.status >= 500]
        assert {c.status for c in outage} <= {None, 503}, running.output()
        exchange.calls = [c for c in exchange.calls if c not in outage] + [
            c._replace_unanswered() for c in outage
        ]
        assert_access_log_complete(exchange.calls)
        assert_sealed_exactly_once()
    assert_no_task_lost()
