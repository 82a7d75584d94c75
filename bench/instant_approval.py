"""Instant approval (秒批) end to end: concurrent applicants submitting 老年人优待证 applications
that approve — submission, registry reads through the gateway, the DMN decision, acceptance,
approval, licence issuance and signing, every event — answered in the same request; against the
same server's trivial authenticated JSON endpoint (`GET /api/v1/identity/me`) measured in the
same run, on SQLite and PostgreSQL. Goal: p99 ≤ 4× the trivial endpoint's p99 and at least half
its throughput.

Then, in-process, where one approval's time goes: fetch (gateway reads), evaluate (the DMN
table), issue (the licence), the rest of the submission, and seal (the ledger sealing that
approval's events, as the worker does afterwards)."""

import json
import os
import subprocess
import sys
import threading
import uuid

import requests

from bench.common import ROOT, child_env, database, databases, drive, ratio, server

SUBMISSIONS = int(os.environ.get("BENCH_INSTANT_SUBMISSIONS", 300))
CONCURRENCY = 8
SPLIT = int(os.environ.get("BENCH_INSTANT_SPLIT", 40))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

SETUP = r"""
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
from tongban.catalog.models import MatterVersion
from tongban.demo import people
from tongban.exchange.models import SystemClient
from tongban.identity.models import Account, Person

demo = people.person("wangxiuying")
person = Person.objects.get(id_number_index=Person.index_for(demo.id_number))
account = Account.objects.get(pk=person.account_id)
sessions = []
for _ in range(int(sys.argv[1])):
    client = Client()
    client.force_login(account, backend="tongban.identity.backends.IdentifierBackend")
    sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
version = MatterVersion.objects.get(name="老年人优待证办理", status="published")
# The gateway allows each department's client 600 reads a minute (exchange.SystemClient); the
# bench's drafts (prefill) and submissions exceed that within a minute, and every read over
# the limit would be a referral. The bench measures approval, not the throttle.
SystemClient.objects.update(rate_limit_per_minute=1_000_000)
print(json.dumps({
    "cookie": settings.SESSION_COOKIE_NAME,
    "sessions": sessions,
    "version": version.pk,
    "form": {"applicant_name": demo.name, "applicant_id_number": demo.id_number,
             "card": "仅电子证", "mobile": demo.phone, "address": demo.address},
}, ensure_ascii=False))
"""

SPLIT_WORKER = r"""
import json, statistics, sys, time, uuid
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tongban.catalog.models import MatterVersion
from tongban.demo import people
from tongban.identity.models import Account, Person
from tongban.instant import services as instant
from tongban.instant.models import Evaluation
from tongban.intake import services as intake
from tongban.ledger.services import seal_pending_events

demo = people.person("wangxiuying")
person = Person.objects.get(id_number_index=Person.index_for(demo.id_number))
account = Account.objects.get(pk=person.account_id)
version = MatterVersion.objects.get(name="老年人优待证办理", status="published")
form = {"applicant_name": demo.name, "applicant_id_number": demo.id_number,
        "card": "仅电子证", "mobile": demo.phone, "address": demo.address}
issue_ms = []
real_issue = instant.issue_result

def timed_issue(**kwargs):
    started = time.perf_counter()
    try:
        return real_issue(**kwargs)
    finally:
        issue_ms.append((time.perf_counter() - started) * 1000)

instant.issue_result = timed_issue
seal_pending_events()
rows = []
for i in range(int(sys.argv[1])):
    draft = intake.save_draft(actor=account, version=version, form_data=form)
    intake.add_material(actor=account, application=draft, material_code="photo",
                        file=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32))
    with CaptureQueriesContext(connection) as queries:  # the request thread's statements
        started = time.perf_counter()
        submission = intake.submit_application(actor=account, application=draft,
                                               idempotency_key=uuid.uuid4().hex)
        total = (time.perf_counter() - started) * 1000
    assert submission.application.status == "approved", submission.application.status
    evaluation = Evaluation.objects.get(case_reference=submission.application.number)
    started = time.perf_counter()
    sealed = seal_pending_events().sealed
    seal = (time.perf_counter() - started) * 1000
    rows.append({"total": total, "fetch": evaluation.fetch_ms, "evaluate": evaluation.evaluate_ms,
                 "issue": issue_ms[-1], "seal": seal, "events": sealed,
                 "statements": len(queries.captured_queries)})
rows = rows[5:]  # warm-up
med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
print(json.dumps(med))
"""


def child(url: str, code: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=child_env(url, DJANGO_SETTINGS_MODULE="tongban.config.settings"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def sessions_for(base: str, setup: dict) -> list[requests.Session]:
    """One HTTP session per signed-in browser, with its CSRF cookie and header."""
    made = []
    for value in setup["sessions"]:
        session = requests.Session()
        session.cookies.set(setup["cookie"], value)
        session.get(base + "/account/login/", timeout=30)
        token = session.cookies.get("csrftoken", "")
        session.headers.update({"X-CSRFToken": token, "Referer": base + "/"})
        made.append(session)
    return made


def drafts(base: str, sessions, setup: dict, count: int) -> list[tuple[int, int]]:
    """(session index, application id) of `count` drafts with their photo handed in."""
    out = []
    for i in range(count):
        session = sessions[i % len(sessions)]
        made = session.post(
            base + "/api/v1/applications/",
            json={"version_id": setup["version"], "form": setup["form"]},
            timeout=30,
        )
        made.raise_for_status()
        pk = made.json()["id"]
        upload = session.post(
            base + f"/api/v1/applications/{pk}/materials",
            data={"material": "photo"},
            files={"file": ("photo.png", PNG, "image/png")},
            timeout=30,
        )
        upload.raise_for_status()
        out.append((i % len(sessions), pk))
    return out


def measure(kind: str, base: str, setup: dict) -> None:
    sessions = sessions_for(base, setup)
    prepared = drafts(base, sessions, setup, SUBMISSIONS + 20)
    approved = {"count": 0, "referred": 0}
    lock = threading.Lock()

    def me(i: int) -> bool:
        session = sessions[i % len(sessions)]
        return session.get(base + "/api/v1/identity/me", timeout=30).ok

    def submit(i: int) -> bool:
        index, pk = prepared[i]
        answer = sessions[index].post(
            base + f"/api/v1/applications/{pk}/submit",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            timeout=60,
        )
        body = answer.json() if answer.ok else {}
        ok = body.get("status") == "approved" and bool(body.get("licence"))
        with lock:
            approved["count"] += ok
            approved["referred"] += body.get("status") == "submitted"  # the fetch deadline
        return ok

    drive("warm-up", me, requests_total=200, concurrency=CONCURRENCY)
    drive("warm-up", submit, requests_total=20, concurrency=4)
    approved["count"] = approved["referred"] = 0
    trivial = drive(
        f"[{kind}] GET /api/v1/identity/me",
        me,
        requests_total=SUBMISSIONS * 2,
        concurrency=CONCURRENCY,
    )
    instant = drive(
        f"[{kind}] submit -> approved + licence",
        lambda i: submit(20 + i),
        requests_total=SUBMISSIONS,
        concurrency=CONCURRENCY,
    )
    print(trivial.line())
    print(instant.line())
    print(
        f"[{kind}] p99 ratio {ratio(instant.percentile(99), trivial.percentile(99))} "
        f"(goal <= 4x); throughput ratio {ratio(instant.rate, trivial.rate)} "
        f"(goal >= 0.5x); approved with licence {approved['count']}/{SUBMISSIONS}, "
        f"referred to an official {approved['referred']}",
        flush=True,
    )


def main() -> None:
    # Notifications would print every e-mail (the console backend); the servers send nothing.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    for kind in databases():
        with database(kind) as url:
            setup = child(url, SETUP, str(CONCURRENCY))
            with server(url, web_workers=2, threads=4) as base:
                measure(kind, base, setup)
            split = child(url, SPLIT_WORKER, str(SPLIT))
            rest = split["total"] - split["fetch"] - split["evaluate"] - split["issue"]
            print(
                f"[{kind}] one approval in-process, median of {SPLIT - 5}: total "
                f"{split['total']:.1f} ms = fetch {split['fetch']:.1f} + evaluate "
                f"{split['evaluate']:.2f} + issue {split['issue']:.1f} + submission and "
                f"approval transactions {rest:.1f}; then seal {split['seal']:.1f} ms "
                f"({split['events']:.0f} events, by the worker); "
                f"{split['statements']:.0f} SQL statements in the request's thread",
                flush=True,
            )


if __name__ == "__main__":
    main()
