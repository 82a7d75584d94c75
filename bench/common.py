"""Shared benchmark machinery: throwaway databases, a real server, a load driver, statistics.

Benchmarks print figures and a ratio against a baseline measured in the same run; the
machines are shared and noisy, so absolute times mean little on their own."""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "TONGBAN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def child_env(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DATABASE_URL": database_url, "TONGBAN_LOG_LEVEL": "WARNING", **extra}


def tongban(database_url: str, *args: str, **extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tongban.manage", *args],
        cwd=ROOT,
        env=child_env(database_url, **extra),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"tongban {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def database(kind: str, *, seed: bool = True) -> Iterator[str]:
    """A fresh, migrated (and seeded) database of `kind` ("sqlite" or "postgres"); dropped after."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tongban-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            prepare(url, seed)
            yield url
        return
    import psycopg

    name = f"tongban_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        prepare(url, seed)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, seed: bool) -> None:
    tongban(url, "migrate", "--noinput")
    if seed:
        tongban(url, "seed-demo")


def databases() -> list[str]:
    """SQLite always; PostgreSQL when a server answers. TONGBAN_BENCH_DATABASES (e.g.
    "sqlite") picks some of them."""
    available = ["sqlite", "postgres"] if postgres_available() else ["sqlite"]
    wanted = os.environ.get("TONGBAN_BENCH_DATABASES", "").replace(",", " ").split()
    return [kind for kind in available if kind in wanted] if wanted else available


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_PIDS: dict[str, list[int]] = {}  # base URL -> the processes server() started


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                queue += [int(child) for child in task.read_text().split()]
    return found


def server_cpu_seconds(base: str) -> float:
    """CPU time (user + system) used so far by the processes of server(base) and their
    children (gunicorn's workers), from /proc; 0.0 where /proc is missing. CPU per call is
    steadier than calls per second on a machine shared with other work."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in SERVER_PIDS.get(base, []):
        for member in _descendants(pid):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextlib.contextmanager
def server(
    database_url: str,
    *,
    web_workers: int = 2,
    task_workers: int = 0,
    threads: int = 4,
    app: str = "tongban.config.wsgi",
    **settings: str,
) -> Iterator[str]:
    """gunicorn serving the WSGI `app` (the platform, or a bench's wrapper of it that adds a
    baseline view), and optionally task workers, on a free loopback port; yields the base URL.
    `settings` are extra environment variables for the processes (e.g. CONN_MAX_AGE)."""
    port = free_port()
    env = child_env(database_url, **settings)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(web_workers),
                "--threads",
                str(threads),
                "--log-level",
                "warning",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
        )
    ]
    processes += [
        subprocess.Popen(
            [sys.executable, "-m", "tongban.manage", "worker", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(task_workers)
    ]
    base = f"http://127.0.0.1:{port}"
    SERVER_PIDS[base] = [process.pid for process in processes]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:  # not up yet, or its first answer is slow
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield base
    finally:
        SERVER_PIDS.pop(base, None)
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Figures:
    label: str
    count: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def line(self) -> str:
        return (
            f"{self.label:<38} {self.rate:9.1f}/s  p50 {self.percentile(50):7.2f} ms  "
            f"p95 {self.percentile(95):7.2f} ms  p99 {self.percentile(99):7.2f} ms  "
            f"errors {self.errors}"
        )


def drive(
    label: str, call: Callable[[int], bool], *, requests_total: int, concurrency: int
) -> Figures:
    """Run `call(i)` `requests_total` times from `concurrency` threads; `call` returns success."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(i: int) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            ok = call(i)
        except Exception:
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests_total)))
    return Figures(label, requests_total, time.perf_counter() - started, latencies, errors)


def timed(label: str, call: Callable[[], object], *, repeat: int) -> Figures:
    """Time `call()` sequentially, `repeat` times."""
    latencies = []
    started = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - t) * 1000)
    return Figures(label, repeat, time.perf_counter() - started, latencies, 0)


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
