"""(c) PostgreSQL restarts (`pg_ctlcluster ... restart -m immediate`: every backend killed, the
server crash-recovers) under load. The web processes and the task worker stay up and reconnect
on their own; calls during the outage fail cleanly (no answer, or 503) and leave nothing
behind; every call answered with success or a refusal has its log line, and every committed
event is sealed exactly once afterwards.

Other sessions share this PostgreSQL server: the test restarts it once."""

import subprocess
import threading
import time

import pytest
import requests

from tests.faults.harness import (
    assert_access_log_complete,
    assert_applications_exactly_once,
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


def restart_postgres() -> str:
    """Restart the cluster; pg_ctlcluster may report a failure when crash recovery is slow
    (a loaded machine) although the server comes back: the caller waits for it to answer."""
    version, name = the_cluster()
    done = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "immediate"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout + done.stderr


def test_the_platform_rides_out_a_postgres_restart(exchange, applicants):
    citizens = applicants(2)
    with platform(database_url(), web_workers=2, threads=4) as running:
        web = running.webs[0]
        exchange.fetch_token(web.base)
        for citizen in citizens:
            citizen.sign_in(web.base)
        stop = threading.Event()

        def keep_applying(citizen):
            while not stop.is_set():
                submission = citizen.submit(web.base, timeout=15)
                while submission.status in (None, 503) and not stop.is_set():
                    time.sleep(0.5)  # retry with the same key until answered
                    submission = citizen.submit(web.base, key=submission.key, timeout=15)

        appliers = [threading.Thread(target=keep_applying, args=(c,)) for c in citizens]
        for thread in appliers:
            thread.start()
        with exchange.background([web.base], concurrency=3):
            wait_for(lambda: len(exchange.calls) >= 30, timeout=30, what="calls flowing")
            said = restart_postgres()
            reconnect()
            wait_for(postgres_accepts, timeout=90, what=f"PostgreSQL back ({said!r})")
            restarted_at = len(exchange.calls)
            # The load goes on until calls succeed again through the same processes.
            wait_for(
                lambda: any(c.status == 200 for c in exchange.calls[restarted_at:]),
                timeout=60,
                what="calls succeed again",
            )
            time.sleep(1)
        stop.set()
        for thread in appliers:
            thread.join(timeout=60)
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
        submissions = [s for c in citizens for s in c.submissions]
        assert {s.status for s in submissions} <= {201, 503, None}
        assert_applications_exactly_once(
            [s for s in submissions if s.status == 201]
            + [s._replace_unanswered() for s in submissions if s.status != 201]
        )
        assert citizens[0].submit(web.base).status == 201
        assert_sealed_exactly_once()
    assert_no_task_lost()
