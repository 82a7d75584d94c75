"""`tongban serve` (what `make demo` ends with): web and task worker come up together, the
readiness probe turns green once the worker beats, and Ctrl-C stops every process."""

import signal
import subprocess
import sys
import time

import pytest
import requests

from bench.common import free_port
from tests.conftest import ROOT, child_environment

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(url: str, status: int, deadline: float) -> requests.Response:
    while True:
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == status:
                return response
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"{url} never answered {status}"
        time.sleep(0.2)


def test_serve_starts_web_and_worker_and_stops_both_on_ctrl_c(child_env):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tongban.manage",
            "serve",
            "--port",
            str(port),
            "--web-workers",
            "1",
            "--task-workers",
            "1",
        ],
        cwd=ROOT,
        env=child_environment(child_env),
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        home = wait_for(base + "/", 200, deadline)
        assert 'lang="zh-Hans"' in home.text
        wait_for(base + "/readyz", 200, deadline)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        leftovers = subprocess.run(
            ["pgrep", "-s", str(process.pid)], capture_output=True, text=True, check=False
        )
        assert leftovers.stdout == "", "a child of `tongban serve` outlived it"
    finally:
        if process.poll() is None:
            process.kill()
