"""The server's floor: /healthz (no database) against the home page (templates, i18n, session),
through gunicorn on loopback. Later benchmarks compare with figures like these."""

import threading

import requests

from bench.common import database, databases, drive, ratio, server

REQUESTS = 2000
CONCURRENCY = 16


def getter(base: str):
    """`get(path)` gives a load call that reuses one HTTP session per thread."""
    local = threading.local()

    def get(path: str):
        def call(_i: int) -> bool:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            return local.session.get(base + path, timeout=10).status_code == 200

        return call

    return get


def main() -> None:
    for kind in databases():
        with database(kind) as url, server(url) as base:
            get = getter(base)
            drive("warm-up", get("/"), requests_total=200, concurrency=CONCURRENCY)
            health = drive(
                f"[{kind}] GET /healthz",
                get("/healthz"),
                requests_total=REQUESTS,
                concurrency=CONCURRENCY,
            )
            home = drive(
                f"[{kind}] GET / (home page)",
                get("/"),
                requests_total=REQUESTS,
                concurrency=CONCURRENCY,
            )
            print(health.line())
            print(home.line())
            print(f"[{kind}] home/healthz throughput ratio {ratio(home.rate, health.rate)}")
