"""Exchange gateway lookups against a direct indexed registry read, through the same server.

A registry of people (subject ID number blind-indexed, name sealed with the data key) is
loaded as the registry service stores it: 20,000 by default so that `python -m bench exchange`
takes a few minutes on a shared machine; the issue's size is TONGBAN_BENCH_RECORDS=1000000.
Then, through one gunicorn in the same run:

- direct: POST /bench/direct-read — one indexed read by blind index and a decryption, behind
  the platform's middleware, no authentication, grant or log (a view this module adds);
- gateway: POST /api/v1/exchange/lookups — OAuth 2 bearer token check, rate limit, grant
  check, the same read, an access-log line and its outbox event committed before the answer.

Printed: calls/s and p50/p95/p99 for both at concurrency 16, the ratio (goal ≥ 0.7×), and
the access log's growth per call in bytes (table + indexes; the outbox event separately).
Run: `python -m bench exchange`; TONGBAN_BENCH_RECORDS and TONGBAN_BENCH_CALLS set the
sizes, TONGBAN_BENCH_DATABASES=sqlite skips PostgreSQL."""

import base64
import datetime
import json
import os
import random
import sqlite3
import threading

import requests

from bench.common import (
    database,
    databases,
    drive,
    ratio,
    server,
    server_cpu_seconds,
    tongban,
)

RECORDS = int(os.environ.get("TONGBAN_BENCH_RECORDS", "20000"))
CALLS = int(os.environ.get("TONGBAN_BENCH_CALLS", "2000"))
CONCURRENCY = 16
ROUNDS = 4
REGION, FIRST_BIRTHDAY = "522622", datetime.date(1950, 1, 1)


def subject(i: int) -> str:
    """The i-th bench person's ID number (valid, fictional)."""
    from tongban.demo.codes import id_number

    born = FIRST_BIRTHDAY + datetime.timedelta(days=i // 999)
    return id_number(REGION, born, i % 999 + 1)


SETUP = """
import json, datetime
from django.utils import timezone
from bench.exchange import subject
from tongban.demo.city import department_code
from tongban.demo.registries import client_secret
from tongban.core.models import Department
from tongban.exchange import services
from tongban.exchange.models import Resource, SystemClient

actor = "system:bench"
police = Department.objects.get(credit_code=department_code("公安局"))
schema = {
    "type": "object",
    "required": ["id_number", "name", "marital_status"],
    "properties": {
        "id_number": {"type": "string"},
        "name": {"type": "string", "x-sensitive": True},
        "marital_status": {"type": "string", "enum": ["未婚", "已婚", "离异", "丧偶"]},
        "district": {"type": "string", "format": "gb2260"},
    },
}
registry = services.create_registry(actor=actor, department=police, code="bench_people",
    name="bench", subject_kind="id_number", subject_field="id_number", schema=schema)
services.save_resource(actor=actor, registry=registry, code="BENCH/00001", name="bench",
    summary="bench", sharing="unconditional", openness="closed", update_cycle="daily")
STATUS = ["未婚", "已婚", "离异", "丧偶"]
# The registry's rows are written straight to the table, sealed and indexed exactly as the
# registry service does, but without its per-record validation and history: the bench
# measures reads, and a validated load of 1,000,000 records takes too long on a shared machine.
from django.db import transaction
from tongban.exchange.models import Record, SealedContent, subject_index
total, step = %(records)d, 20000
for start in range(0, total, step):
    batch = []
    for i in range(start, min(total, start + step)):
        number = subject(i)
        record = Record(registry=registry, subject_index=subject_index("id_number", number),
                        schema_version=1)
        content = {"id_number": number, "name": "测试人员%%d" %% i,
                   "marital_status": STATUS[i %% 4], "district": "522622"}
        clear, secret = SealedContent.split(registry, content)
        record.clear, record.sealed = clear, SealedContent.seal(record.uid, secret)
        batch.append(record)
    with transaction.atomic():
        Record.objects.bulk_create(batch, batch_size=2000)
consumer = SystemClient.objects.get(mediator_id__endswith="/civil-affairs")
SystemClient.objects.filter(pk=consumer.pk).update(rate_limit_per_minute=10_000_000)
resource = Resource.objects.get(registry=registry)
services.request_grant(actor=actor, consumer=consumer, resource=resource,
    fields=["name", "marital_status"], purpose="bench", legal_basis="bench",
    expires_on=timezone.localdate() + datetime.timedelta(days=30), idempotency_key="bench-grant-1")
print(json.dumps({"client_id": consumer.application.client_id,
                  "secret": client_secret(consumer.mediator_id)}))
"""


# -- the baseline view, served by the same gunicorn ("bench.exchange:application") --------

_application = None
_lock = threading.Lock()


def application(environ, start_response):
    """The platform's WSGI application plus POST /bench/direct-read."""
    global _application
    with _lock:
        if _application is None:
            _application = _platform_with_direct_read()
    return _application(environ, start_response)


def _platform_with_direct_read():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings")
    from django.core.wsgi import get_wsgi_application

    platform = get_wsgi_application()
    from django.urls import clear_url_caches, path

    from tongban.config import urls

    urls.urlpatterns.insert(0, path("bench/direct-read", _direct_read()))
    clear_url_caches()
    return platform


def _direct_read():
    from django.http import JsonResponse
    from django.views.decorators.csrf import csrf_exempt

    from tongban.exchange.models import Record, subject_index

    @csrf_exempt
    def direct_read(request):
        """One indexed read by blind index and a decryption; nothing else."""
        body = json.loads(request.body)
        record = (
            Record.objects.filter(
                registry__code=body["registry"],
                subject_index=subject_index("id_number", body["subject_id"]),
            )
            .only("uid", "clear", "sealed")
            .first()
        )
        content = record.content()
        return JsonResponse({"fields": {f: content.get(f) for f in body["fields"]}})

    return direct_read


# -- measuring ------------------------------------------------------------------------------


def log_bytes(url: str) -> tuple[int, int]:
    """(access log table + indexes, outbox table + indexes) in bytes."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:

            def size(table: str) -> int:
                return db.execute(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN "
                    "(SELECT name FROM sqlite_master WHERE tbl_name = ?)",
                    [table],
                ).fetchone()[0]

            return size("exchange_accesslog"), size("core_event")
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT pg_total_relation_size('exchange_accesslog'), "
            "pg_total_relation_size('core_event')"
        ).fetchone()
        return row[0], row[1]


def rows(url: str) -> int:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute("SELECT COUNT(*) FROM exchange_accesslog").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT COUNT(*) FROM exchange_accesslog").fetchone()[0]


def main() -> None:
    rng = random.Random(6)
    subjects = [subject(rng.randrange(RECORDS)) for _ in range(2000)]
    print(f"{RECORDS:,} records, {CALLS:,} calls per side, concurrency {CONCURRENCY}")
    for kind in databases():
        with database(kind) as url:
            print(f"[{kind}] loading {RECORDS:,} records ...", flush=True)
            started = datetime.datetime.now()
            credentials = json.loads(
                tongban(url, "shell", "-c", SETUP % {"records": RECORDS}).strip().splitlines()[-1]
            )
            print(f"[{kind}] loaded in {(datetime.datetime.now() - started).seconds} s", flush=True)
            with server(url, web_workers=2, threads=8, app="bench.exchange:application") as base:
                run(kind, url, base, credentials, subjects)


def run(kind: str, url: str, base: str, credentials: dict, subjects: list[str]) -> None:
    basic = base64.b64encode(f"{credentials['client_id']}:{credentials['secret']}".encode())
    token = requests.post(
        f"{base}/oauth/token/",
        data={"grant_type": "client_credentials", "scope": "exchange"},
        headers={"Authorization": f"Basic {basic.decode()}"},
        timeout=60,
    ).json()["access_token"]
    local = threading.local()

    def poster(path: str, headers: dict):
        def call(i: int) -> bool:
            if not hasattr(local, "session"):
                local.session = requests.Session()
            body = {
                "registry": "bench_people",
                "subject_id": subjects[i % len(subjects)],
                "fields": ["name", "marital_status"],
                "purpose": "bench",
                "case_reference": f"BENCH-{i}",
            }
            response = local.session.post(base + path, json=body, headers=headers, timeout=60)
            return response.status_code == 200

        return call

    direct = poster("/bench/direct-read", {})
    gateway = poster("/api/v1/exchange/lookups", {"Authorization": f"Bearer {token}"})
    drive("warm-up", direct, requests_total=300, concurrency=CONCURRENCY)
    drive("warm-up", gateway, requests_total=300, concurrency=CONCURRENCY)
    log_before, outbox_before = log_bytes(url)
    rows_before = rows(url)
    # Alternate short rounds so that neither side gets all the quiet moments of a shared
    # machine; the server's CPU time per call is measured too (steadier than calls/s there).
    rounds = {"direct": [], "gateway": []}
    cpu = {"direct": 0.0, "gateway": 0.0}
    for _ in range(ROUNDS):
        for side, call in (("direct", direct), ("gateway", gateway)):
            before = server_cpu_seconds(base)
            rounds[side].append(
                drive(
                    f"[{kind}] {'direct read' if side == 'direct' else 'gateway lookup'}",
                    call,
                    requests_total=CALLS // ROUNDS,
                    concurrency=CONCURRENCY,
                )
            )
            cpu[side] += server_cpu_seconds(base) - before
    log_after, outbox_after = log_bytes(url)
    calls = rows(url) - rows_before
    direct_all, gateway_all = _merge(rounds["direct"]), _merge(rounds["gateway"])
    print(direct_all.line())
    print(gateway_all.line())
    per_round = sorted(
        g.rate / d.rate for d, g in zip(rounds["direct"], rounds["gateway"], strict=True)
    )
    print(
        f"[{kind}] gateway/direct throughput ratio {ratio(gateway_all.rate, direct_all.rate)}"
        f" (goal >= 0.70x); per round {', '.join(f'{r:.2f}' for r in per_round)}"
    )
    cpu_direct, cpu_gateway = (cpu[side] * 1000 / direct_all.count for side in cpu)
    print(
        f"[{kind}] server CPU per call: direct {cpu_direct:.2f} ms, gateway "
        f"{cpu_gateway:.2f} ms (direct/gateway {ratio(cpu_direct, cpu_gateway)})"
    )
    print(
        f"[{kind}] access log growth {(log_after - log_before) / calls:.0f} bytes/call "
        f"(table + indexes), outbox event {(outbox_after - outbox_before) / calls:.0f} "
        f"bytes/call, over {calls} calls"
    )


def _merge(parts):
    from bench.common import Figures

    return Figures(
        parts[0].label,
        sum(p.count for p in parts),
        sum(p.seconds for p in parts),
        [ms for p in parts for ms in p.latencies_ms],
        sum(p.errors for p in parts),
    )
