"""One door under load: N applicants submit a two-department matter (出生医学证明签发, lead
卫生健康委员会 with 公安局 co-reviewing) through /api/v1/applications/, then the two
departments approve in parallel — through gunicorn on loopback, on SQLite and PostgreSQL.

Reported: submissions/s (draft + material upload + submit), p50/p95/p99 of the submit call
and of the complete-task calls, each against the same server's trivial authenticated JSON
endpoint (GET /api/v1/identity/me) measured in the same run; and, separately, the engine's
own per-step overhead (deserialize + run + serialize, and the compare-and-set save) measured
in a process next to the server."""

import base64
import hashlib
import itertools
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.common import Figures, database, databases, drive, ratio, server, tongban
from bench.identity_sessions import CITIZENS, DEMO_PASSWORD, signed_in

APPLICATIONS = 120
CONCURRENCY = 8
MATTER = "出生医学证明签发"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SETUP = """
import json
from tongban.catalog.models import MatterVersion
from tongban.demo.applications import sample_answers
from tongban.demo import people
from tongban.identity.models import Person
from tongban.intake.services import material_codes
from tongban.intake.models import Application
version = MatterVersion.objects.get(name=%r, status="published")
demo = people.PEOPLE[0]
person = Person.objects.get(id_number_index=Person.index_for(demo.id_number))
answers = sample_answers(version.form_schema, person, demo)
required = [c for c, m in material_codes(Application(version=version)).items()
            if m.necessity == "required"]
print(json.dumps({"version": version.pk, "answers": answers, "materials": required}))
"""

ENGINE = """
import json, time
from django.db import transaction
from SpiffWorkflow.util.task import TaskState
from tongban.workflow import engine
from tongban.workflow.models import ProcessDefinition, ProcessInstance
definition = ProcessDefinition.objects.filter(key="parallel_review").order_by("-version").first()
from tongban.core.models import Department
lead, co = list(Department.objects.order_by("pk").values_list("pk", flat=True)[:2])
runs, saves = [], []
for i in range(200):
    workflow = engine.new_workflow(definition, {"lead_department": lead, "co_departments": [co]})
    engine.advance(workflow)
    state = engine.dump(workflow)
    started = time.perf_counter()
    restored = engine.SERIALIZER.deserialize_json(state)
    restored.script_engine = workflow.script_engine
    ready = [t for t in restored.get_tasks(state=TaskState.READY)
             if t.task_spec.bpmn_id == "accept"]
    engine.complete(restored, ready[0].id, {"accept_outcome": "accept"})
    text = engine.dump(restored)
    runs.append((time.perf_counter() - started) * 1000)
instance = ProcessInstance.objects.filter(status="running").first()
for i in range(200):
    started = time.perf_counter()
    with transaction.atomic():
        ProcessInstance.objects.filter(pk=instance.pk, revision=instance.revision).update(
            state=instance.state, revision=instance.revision + 1)
        instance.revision += 1
    saves.append((time.perf_counter() - started) * 1000)
runs.sort(); saves.sort()
print(json.dumps({"run": [runs[len(runs)//2], runs[int(len(runs)*.95)]],
                  "save": [saves[len(saves)//2], saves[int(len(saves)*.95)]],
                  "state_bytes": len(text)}))
"""


def recovery_code(login: str, index: int) -> str:
    """The demo officials' recovery codes (tongban.demo.accounts), one per sign-in."""
    digest = hashlib.sha256(f"tongban-demo-recovery:{login}:{index}".encode()).digest()
    return base64.b32encode(digest).decode().lower()[:10]


def official_session(base: str, login: str, index: int = 0) -> requests.Session:
    browser = requests.Session()
    browser.get(base + "/account/login/", timeout=10)
    browser.post(
        base + "/account/login/",
        data={
            "username": login,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        timeout=30,
    )
    answer = browser.post(
        base + "/account/login/verify/",
        data={
            "code": recovery_code(login, index),
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.status_code
    return browser


def _headers(session: requests.Session, **extra) -> dict:
    return {"X-CSRFToken": session.cookies.get("csrftoken", ""), **extra}


def measure(kind: str, url: str, base: str) -> None:
    setup = json.loads(tongban(url, "shell", "-c", SETUP % MATTER).strip().splitlines()[-1])
    citizens = [signed_in(base, phone) for phone in CITIZENS[:CONCURRENCY]]
    lead = official_session(base, "wjw.approver")
    co = official_session(base, "gaj.approver")
    local = threading.local()
    assigned = itertools.count()
    lock = threading.Lock()

    def citizen() -> requests.Session:
        if not hasattr(local, "session"):
            with lock:
                local.session = citizens[next(assigned) % len(citizens)]
        return local.session

    def me(_i: int) -> bool:
        return citizen().get(base + "/api/v1/identity/me", timeout=10).status_code == 200

    submit_ms: list[float] = []
    submitted: list[int] = []

    def submit(_i: int) -> bool:
        import time

        session = citizen()
        draft = session.post(
            base + "/api/v1/applications/",
            json={"version_id": setup["version"], "form": setup["answers"]},
            headers=_headers(session),
            timeout=30,
        )
        if draft.status_code != 201:
            return False
        pk = draft.json()["id"]
        for code in setup["materials"]:
            session.post(
                f"{base}/api/v1/applications/{pk}/materials",
                data={"material": code},
                files={"file": ("scan.pdf", PDF, "application/pdf")},
                headers=_headers(session),
                timeout=30,
            )
        started = time.perf_counter()
        answer = session.post(
            f"{base}/api/v1/applications/{pk}/submit",
            headers=_headers(session, **{"Idempotency-Key": uuid.uuid4().hex}),
            timeout=30,
        )
        with lock:
            submit_ms.append((time.perf_counter() - started) * 1000)
            submitted.append(pk)
        return answer.status_code == 200

    drive("warm-up", me, requests_total=100, concurrency=CONCURRENCY)
    baseline = drive(
        f"[{kind}] GET /api/v1/identity/me", me, requests_total=1000, concurrency=CONCURRENCY
    )
    submissions = drive(
        f"[{kind}] submission (draft+upload+submit)",
        submit,
        requests_total=APPLICATIONS,
        concurrency=CONCURRENCY,
    )
    submit_only = Figures(
        f"[{kind}] submit call", len(submit_ms), submissions.seconds, submit_ms, submissions.errors
    )

    complete_ms: list[float] = []

    def act(session, pk: int, step: str, outcome: str) -> bool:
        import time

        tasks = session.get(f"{base}/api/v1/applications/{pk}/tasks", timeout=30).json()
        mine = [t for t in tasks if t["step"] == step and t["status"] in ("open", "claimed")]
        if not mine:
            return False
        started = time.perf_counter()
        answer = session.post(
            f"{base}/api/v1/applications/{pk}/tasks/{mine[0]['id']}/decide",
            json={
                "outcome": outcome,
                "reasons": "符合条件",
                "legal_basis": "《母婴保健法》第二十三条",
                "version": mine[0]["version"],
            },
            headers=_headers(session),
            timeout=30,
        )
        with lock:
            complete_ms.append((time.perf_counter() - started) * 1000)
        return answer.status_code == 200

    def approve(i: int) -> bool:
        pk = submitted[i]
        if not act(lead, pk, "accept", "accept"):
            return False
        with ThreadPoolExecutor(max_workers=2) as pair:  # the two departments at once
            both = list(
                pair.map(
                    lambda job: act(*job),
                    [(lead, pk, "lead_review", "approve"), (co, pk, "co_review", "approve")],
                )
            )
        return all(both) and act(lead, pk, "decide", "approve")

    approvals = drive(
        f"[{kind}] approval (4 tasks, 2 departments)",
        approve,
        requests_total=len(submitted),
        concurrency=CONCURRENCY // 2,
    )
    completes = Figures(
        f"[{kind}] complete-task call",
        len(complete_ms),
        approvals.seconds,
        complete_ms,
        approvals.errors,
    )
    for figures in (baseline, submissions, submit_only, approvals, completes):
        print(figures.line())
    print(
        f"[{kind}] submit p50 / me p50: "
        f"{ratio(submit_only.percentile(50), baseline.percentile(50))}; "
        f"complete-task p50 / me p50: {ratio(completes.percentile(50), baseline.percentile(50))}"
    )
    engine = json.loads(tongban(url, "shell", "-c", ENGINE).strip().splitlines()[-1])
    print(
        f"[{kind}] engine step in memory (deserialize+run+serialize) p50 {engine['run'][0]:.2f} ms "
        f"p95 {engine['run'][1]:.2f} ms; state {engine['state_bytes']} bytes; "
        f"compare-and-set save p50 {engine['save'][0]:.2f} ms p95 {engine['save'][1]:.2f} ms"
    )


def main() -> None:
    import os

    # The servers inherit this: no console e-mail for every notification during the run.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    for kind in databases():
        with database(kind) as url, server(url) as base:
            measure(kind, url, base)
