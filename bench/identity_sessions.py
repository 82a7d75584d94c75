"""What one account costs per request: a signed-in API call (session lookup, tracked-session
check, idle/absolute limits) against /healthz, and sign-ins per second (argon2 is meant to be
slow) — through gunicorn on loopback, against the seeded demo city."""

import threading

import requests

from bench.common import database, databases, drive, ratio, server

REQUESTS = 2000
SIGN_INS = 60
CONCURRENCY = 16
DEMO_PASSWORD = "tongban-demo-2026"  # noqa: S105  (tongban.demo.accounts; importing it needs Django)
CITIZENS = [f"1390000{n:04d}" for n in range(1, 17)]


def signed_in(base: str, phone: str) -> requests.Session:
    browser = requests.Session()
    browser.get(base + "/account/login/", timeout=10)
    response = browser.post(
        base + "/account/login/",
        data={
            "username": phone,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.status_code
    return browser


def measure(kind: str, base: str) -> None:
    # Sign in first, so the measured calls only reuse sessions (one per load thread).
    cookies = [signed_in(base, phone).cookies for phone in CITIZENS]
    local = threading.local()
    assigned = iter(range(10**6))
    lock = threading.Lock()

    def health(_i: int) -> bool:
        local.plain = getattr(local, "plain", None) or requests.Session()
        return local.plain.get(base + "/healthz", timeout=10).status_code == 200

    def me(_i: int) -> bool:
        if not hasattr(local, "browser"):
            with lock:
                local.browser = requests.Session()
                local.browser.cookies.update(cookies[next(assigned) % len(cookies)])
        return local.browser.get(base + "/api/v1/identity/me", timeout=10).status_code == 200

    def sign_in(i: int) -> bool:
        signed_in(base, CITIZENS[i % len(CITIZENS)])
        return True

    drive("warm-up", me, requests_total=200, concurrency=CONCURRENCY)
    baseline = drive(
        f"[{kind}] GET /healthz", health, requests_total=REQUESTS, concurrency=CONCURRENCY
    )
    api = drive(
        f"[{kind}] GET /api/v1/identity/me (signed in)",
        me,
        requests_total=REQUESTS,
        concurrency=CONCURRENCY,
    )
    logins = drive(f"[{kind}] sign-in (argon2)", sign_in, requests_total=SIGN_INS, concurrency=4)
    for figures in (baseline, api, logins):
        print(figures.line())
    print(f"[{kind}] signed-in API / healthz throughput {ratio(api.rate, baseline.rate)}")


def main() -> None:
    for kind in databases():
        with database(kind) as url, server(url) as base:
            measure(kind, base)
