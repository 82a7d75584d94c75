"""The auditor's outside check against a running platform: gunicorn and a real `tongban worker`
(bench.common.server) seal what the platform records on their own, and `tongban ledger
verify --url` proves it over HTTP alone. Then the platform records more, and the next
verify, starting from the checkpoint the auditor kept, proves the log only grew."""

import time

import pytest
import requests

from bench.common import server
from tests.conftest import run_tongban
from tests.ledger.conftest import record
from tongban.core.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_the_worker(base: str, size: int, timeout: float = 120) -> int:
    """Until the running platform publishes a signed tree of at least `size` entries."""
    deadline = time.monotonic() + timeout
    while True:
        published = requests.get(f"{base}/api/v1/ledger/log", timeout=10).json()["tree_size"]
        if published >= size:
            return published
        if time.monotonic() > deadline:
            pytest.fail(f"the worker sealed {published} of {size} events in {timeout} s")
        time.sleep(0.5)


def verify(base: str, child_env: dict, *extra: str):
    result = run_tongban("ledger", "verify", "--url", base, *extra, env=child_env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_verify_passes_against_a_running_platform_sealed_by_its_worker(
    demo_city, child_env, tmp_path
):
    record(9, kind="test.decided", payload={"decision": "approved", "名称": "通办", "score": 1.5})
    committed = Event.objects.count()  # the demo city's own events, and these
    state = tmp_path / "auditor-checkpoint.txt"
    with server(child_env["DATABASE_URL"], web_workers=1, task_workers=1, threads=2) as base:
        sealed = wait_for_the_worker(base, committed)
        first = verify(base, child_env, "--state", str(state), "--sample", "12")
        assert f"✓ latest checkpoint signed: {sealed} entries" in first
        assert "entries proven included (leaf hashes recomputed)" in first
        assert state.read_text().splitlines()[1] == str(sealed)

        record(5, kind="test.decided.again")
        grown = wait_for_the_worker(base, sealed + 5)
        second = verify(base, child_env, "--state", str(state), "--sample", "5")
        assert f"✓ consistent: the tree of {sealed} is a prefix of the tree of {grown}" in second
        assert state.read_text().splitlines()[1] == str(grown)
