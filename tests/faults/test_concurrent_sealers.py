"""(e) Two task workers seal at once while calls keep adding events: the advisory lock makes
them take turns, and every committed event is in the log exactly once, in one gap-free order
that `tongban ledger audit` recomputes."""

import pytest
from django_tasks_db.models import DBTaskResult

from tests.faults.harness import (
    assert_access_log_complete,
    assert_no_task_lost,
    assert_sealed_exactly_once,
    database_url,
    enqueue_sealing,
    platform,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_two_workers_sealing_at_once_seal_each_event_once(exchange):
    with platform(database_url(), workers=2) as running:
        web = running.webs[0]
        exchange.fetch_token(web.base)
        with exchange.background([web.base], concurrency=4):
            for _ in range(3):
                # Many seal runs queued together: both workers pick them up at once.
                for _ in range(6):
                    enqueue_sealing()
                exchange.run([web.base], 20, concurrency=2, start=len(exchange.calls) + 50_000)
        assert_access_log_complete(exchange.calls)
        assert_sealed_exactly_once()
        sealers = DBTaskResult.objects.filter(
            task_path="tongban.ledger.tasks.seal_ledger", status="SUCCESSFUL"
        ).values_list("worker_ids", flat=True)
        assert len({ids[-1] for ids in sealers}) == 2, "both workers sealed"
        assert running.running(), running.output()
    assert_no_task_lost()
