"""Load: the mixed journey at rising concurrency until p95 passes 1 s (bounded).

One platform as `tongban serve` runs it (gunicorn, 2 web workers × 4 threads, 1 task worker)
on a fresh seeded database. Virtual users loop over a mixed journey:

- a citizen: home, browse the catalogue, a service guide, sign in (argon2), personal centre,
  wallet, data-usage page, apply (draft, upload the required materials, submit with an
  Idempotency-Key), sign out;
- an official (signed in once with password and second factor): accepts the application just
  submitted (the case's steps, then the decision on the acceptance step);
- an elderly citizen (signed in once per virtual user) applying for a matter decided at
  submission (秒批, 老年人优待证: draft, photo, submit → approved with its e-licence);
- a departmental system: exchange lookups (OAuth 2 client credentials, grant, access log);
- anyone: ledger size, an inclusion proof, the verify page of one record.

Concurrency rises step by step (each step `TONGBAN_LOAD_STEP_SECONDS`, default 8 s) until
p95 > 1 s, with hard caps on steps, requests and time. Printed per step: requests/s,
p50/p95/p99, errors; then the knee (requests/s where p95 crosses 250 ms, interpolated between
steps), the error rate below the knee (must be 0) and the largest resident memory (RSS, from
/proc) of every process.

Run: `python -m bench load` (both databases) or `python -m bench.load sqlite`."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.common import ROOT, Figures, child_env, database, databases, free_port, tongban
from bench.instant_approval import PNG
from bench.submit_and_approve import MATTER, PDF, official_session
from bench.submit_and_approve import SETUP as APPLY_SETUP

STEP_SECONDS = float(os.environ.get("TONGBAN_LOAD_STEP_SECONDS", "8"))
CONCURRENCY_STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
MAX_REQUESTS = int(os.environ.get("TONGBAN_LOAD_MAX_REQUESTS", "40000"))
MAX_SECONDS = float(os.environ.get("TONGBAN_LOAD_MAX_SECONDS", "180"))
KNEE_MS = 250.0
STOP_MS = 1000.0
MIN_STEPS = 3  # even when p95 passes STOP_MS at once, show how it moves
WEB_WORKERS, THREADS, TASK_WORKERS = 2, 4, 1
JOURNEY_PARTS = [
    "browse",
    "sign-in",
    "personal centre",
    "wallet",
    "submit",
    "official decision",
    "instant approval",
    "exchange",
    "ledger proofs",
]
OFFICIAL = "wjw.approver"  # 卫生健康委员会 leads 出生医学证明签发 (bench/submit_and_approve.py)

SETUP = """
import json
from tongban.catalog.models import MatterVersion
from tongban.core.models import Department
from tongban.demo import people
from tongban.demo.accounts import DEMO_PASSWORD
from tongban.demo.city import department_code
from tongban.demo.registries import SYSTEMS, client_secret, mediator_id
from tongban.exchange.models import Record, Registry, SystemClient, subject_index

population = Registry.objects.get(code="population")
civil = Department.objects.get(credit_code=department_code("民政局"))
mediator = mediator_id(civil, SYSTEMS["民政局"][0])
client = SystemClient.objects.get(mediator_id=mediator)
SystemClient.objects.filter(pk=client.pk).update(rate_limit_per_minute=10**7)  # bench only
services = [
    str(v.matter.service_id)
    for v in MatterVersion.objects.filter(status="published").select_related("matter")[:20]
]
elder = people.person("wangxiuying")  # 秒批: 老年人优待证 (bench/instant_approval.py)
instant = MatterVersion.objects.filter(name="老年人优待证办理", status="published").first()
print(json.dumps({
    "instant": instant and {
        "login": elder.phone,
        "version": instant.pk,
        "form": {"applicant_name": elder.name, "applicant_id_number": elder.id_number,
                 "card": "仅电子证", "mobile": elder.phone, "address": elder.address},
    },
    "client_id": client.application.client_id,
    "secret": client_secret(mediator),
    "subjects": [
        p.id_number
        for p in people.PEOPLE
        if Record.objects.filter(
            registry=population, subject_index=subject_index(population.subject_kind, p.id_number)
        ).exists()
    ][:10],
    "logins": [p.phone for p in people.PEOPLE if p.phone][:10],
    "password": DEMO_PASSWORD,
    "services": services,
}))
"""

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Platform:
    base: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def pids(self) -> dict[str, int]:
        """Every process by role: the gunicorn master, its web workers, the task workers."""
        found = {}
        for name, process in self.processes.items():
            found[name] = process.pid
            if name == "gunicorn master":
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
                for i, child in enumerate(children.read_text().split()):
                    found[f"web worker {i + 1}"] = int(child)
        return found


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start(url: str) -> Platform:
    port = free_port()
    # E-mails go nowhere (the console backend would print every one); workers stay quiet.
    env = {**child_env(url), "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    platform = Platform(f"http://127.0.0.1:{port}")
    platform.processes["gunicorn master"] = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
    )
    for i in range(TASK_WORKERS):
        platform.processes[f"task worker {i + 1}"] = subprocess.Popen(
            [sys.executable, "-m", "tongban.manage", "worker", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(platform.base + "/healthz", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            stop(platform)
            raise RuntimeError("server did not start")
        time.sleep(0.3)
    return platform


def stop(platform: Platform) -> None:
    for process in platform.processes.values():
        process.send_signal(signal.SIGTERM)
    for process in platform.processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_label: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def timed(self, label: str, send, ok=lambda r: r.status_code < 400):
        started = time.perf_counter()
        try:
            response = send()
            good = ok(response)
        except requests.RequestException:
            response, good = None, False
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies.append(elapsed)
            self.by_label.setdefault(label, []).append(elapsed)
            if not good:
                status = response.status_code if response is not None else "no answer"
                key = f"{label} {status}"
                self.errors[key] = self.errors.get(key, 0) + 1
        return response


class Journey:
    """What one virtual user does, again and again."""

    def __init__(self, base: str, data: dict, token: str, tree_size: int, officials: list):
        self.base, self.data, self.token, self.tree_size = base, data, token, tree_size
        self.officials = officials

    def run(self, user: int, recorder: Recorder, until: float) -> None:
        rng = random.Random(user)
        elder = self.sign_in_elder(recorder) if self.data.get("instant") else None
        while time.monotonic() < until:
            if elder is not None:
                self.instant(elder, recorder)
            submitted = self.citizen(rng, recorder)
            if submitted:
                self.decide(self.officials[user % len(self.officials)], submitted, recorder)
            for _ in range(4):
                self.exchange(rng, recorder)
            self.ledger(rng, recorder)

    def citizen(self, rng: random.Random, rec: Recorder) -> int | None:
        session, base, data = requests.Session(), self.base, self.data
        redirect = {"allow_redirects": False, "timeout": 30}
        rec.timed("home", lambda: session.get(base + "/", **redirect))
        rec.timed("browse", lambda: session.get(base + "/services/", **redirect))
        service = rng.choice(data["services"])
        rec.timed("guide", lambda: session.get(f"{base}/services/{service}/", **redirect))
        form = rec.timed("login form", lambda: session.get(base + "/account/login/", **redirect))
        if form is None or not CSRF.search(form.text):
            return
        token = CSRF.search(form.text).group(1)
        login = rng.choice(data["logins"])
        rec.timed(
            "sign in",
            lambda: session.post(
                base + "/account/login/",
                data={
                    "csrfmiddlewaretoken": token,
                    "username": login,
                    "password": data["password"],
                },
                **redirect,
            ),
            ok=lambda r: r.status_code == 302,
        )
        rec.timed("personal centre", lambda: session.get(base + "/me/", **redirect))
        rec.timed("wallet", lambda: session.get(base + "/licences/", **redirect))
        rec.timed("data usage", lambda: session.get(base + "/me/data-usage/", **redirect))
        submitted = self.apply(session, rec)
        csrf = session.cookies.get("csrftoken", "")
        rec.timed(
            "sign out",
            lambda: session.post(
                base + "/account/logout/", data={"csrfmiddlewaretoken": csrf}, **redirect
            ),
            ok=lambda r: r.status_code in (200, 302),
        )
        return submitted

    def apply(self, session: requests.Session, rec: Recorder) -> int | None:
        """Draft, the required materials, submit: returns the application's id."""
        base, apply = self.base, self.data["apply"]

        def headers(**extra):
            return {"X-CSRFToken": session.cookies.get("csrftoken", ""), **extra}

        draft = rec.timed(
            "draft",
            lambda: session.post(
                base + "/api/v1/applications/",
                json={"version_id": apply["version"], "form": apply["answers"]},
                headers=headers(),
                timeout=30,
            ),
        )
        if draft is None or draft.status_code != 201:
            return None
        pk = draft.json()["id"]
        for code in apply["materials"]:
            rec.timed(
                "upload",
                lambda code=code: session.post(
                    f"{base}/api/v1/applications/{pk}/materials",
                    data={"material": code},
                    files={"file": ("scan.pdf", PDF, "application/pdf")},
                    headers=headers(),
                    timeout=30,
                ),
            )
        key = uuid.uuid4().hex
        answer = rec.timed(
            "submit",
            lambda: session.post(
                f"{base}/api/v1/applications/{pk}/submit",
                headers=headers(**{"Idempotency-Key": key}),
                timeout=30,
            ),
        )
        return pk if answer is not None and answer.status_code == 200 else None

    def decide(self, official: requests.Session, pk: int, rec: Recorder) -> None:
        """The lead department's official accepts the case (受理): a decision on its first step."""
        base = self.base
        tasks = rec.timed(
            "case steps",
            lambda: official.get(f"{base}/api/v1/applications/{pk}/tasks", timeout=30),
        )
        if tasks is None or tasks.status_code != 200:
            return
        open_steps = [
            t for t in tasks.json() if t["step"] == "accept" and t["status"] in ("open", "claimed")
        ]
        if not open_steps:
            with rec.lock:
                rec.errors["no accept step"] = rec.errors.get("no accept step", 0) + 1
            return
        step = open_steps[0]
        rec.timed(
            "decision",
            lambda: official.post(
                f"{base}/api/v1/applications/{pk}/tasks/{step['id']}/decide",
                json={
                    "outcome": "accept",
                    "reasons": "材料齐全，符合法定形式。",
                    "legal_basis": "《母婴保健法》第二十三条",
                    "version": step["version"],
                },
                headers={"X-CSRFToken": official.cookies.get("csrftoken", "")},
                timeout=30,
            ),
        )

    def sign_in_elder(self, rec: Recorder) -> requests.Session | None:
        session, base = requests.Session(), self.base
        form = rec.timed("login form", lambda: session.get(base + "/account/login/", timeout=30))
        if form is None or not CSRF.search(form.text):
            return None
        answer = rec.timed(
            "sign in",
            lambda: session.post(
                base + "/account/login/",
                data={
                    "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
                    "username": self.data["instant"]["login"],
                    "password": self.data["password"],
                },
                allow_redirects=False,
                timeout=30,
            ),
            ok=lambda r: r.status_code == 302,
        )
        return session if answer is not None and answer.status_code == 302 else None

    def instant(self, session: requests.Session, rec: Recorder) -> None:
        """Draft, photo, submit: decided at submission (approved, with its e-licence)."""
        base, setup = self.base, self.data["instant"]
        headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")}
        draft = rec.timed(
            "instant draft",
            lambda: session.post(
                base + "/api/v1/applications/",
                json={"version_id": setup["version"], "form": setup["form"]},
                headers=headers,
                timeout=30,
            ),
        )
        if draft is None or draft.status_code != 201:
            return
        pk = draft.json()["id"]
        rec.timed(
            "instant photo",
            lambda: session.post(
                f"{base}/api/v1/applications/{pk}/materials",
                data={"material": "photo"},
                files={"file": ("photo.png", PNG, "image/png")},
                headers=headers,
                timeout=30,
            ),
        )
        key = uuid.uuid4().hex
        rec.timed(
            "instant submit",
            lambda: session.post(
                f"{base}/api/v1/applications/{pk}/submit",
                headers={**headers, "Idempotency-Key": key},
                timeout=60,
            ),
            ok=lambda r: r.status_code == 200 and r.json().get("status") == "approved",
        )

    def exchange(self, rng: random.Random, rec: Recorder) -> None:
        body = {
            "registry": "population",
            "subject_id": rng.choice(self.data["subjects"]),
            "fields": ["name", "marital_status"],
            "purpose": "婚姻登记",
            "case_reference": f"LOAD-{rng.randrange(10**9)}",
        }
        rec.timed(
            "exchange lookup",
            lambda: requests.post(
                self.base + "/api/v1/exchange/lookups",
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=30,
            ),
        )

    def ledger(self, rng: random.Random, rec: Recorder) -> None:
        base = self.base
        rec.timed("ledger log", lambda: requests.get(base + "/api/v1/ledger/log", timeout=30))
        if self.tree_size:
            index = rng.randrange(self.tree_size)
            size = self.tree_size
            rec.timed(
                "inclusion proof",
                lambda: requests.get(
                    f"{base}/api/v1/ledger/proof/inclusion?index={index}&tree_size={size}",
                    timeout=30,
                ),
            )
            rec.timed(
                "verify page", lambda: requests.get(f"{base}/ledger/verify/{index}/", timeout=30)
            )


def by_operation(recorder: Recorder) -> str:
    """The p95 of each operation (ms), slowest first: what the overall p95 is made of."""
    p95 = {
        label: sorted(values)[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        for label, values in recorder.by_label.items()
    }
    return ", ".join(f"{label} {ms:.0f}" for label, ms in sorted(p95.items(), key=lambda i: -i[1]))


def client_token(base: str, data: dict) -> str:
    response = requests.post(
        f"{base}/oauth/token/",
        data={"grant_type": "client_credentials", "scope": "exchange"},
        auth=(data["client_id"], data["secret"]),
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def knee(steps: list[Figures]) -> tuple[float | None, int]:
    """Requests/s where p95 crosses KNEE_MS (interpolated), and the step index it happens in."""
    for i, step in enumerate(steps):
        p95 = step.percentile(95)
        if p95 > KNEE_MS:
            if i == 0:
                return step.rate, 0
            before = steps[i - 1]
            slope = (step.rate - before.rate) / (p95 - before.percentile(95))
            return before.rate + (KNEE_MS - before.percentile(95)) * slope, i
    return None, len(steps)


def measure(kind: str) -> dict:
    with database(kind) as url:
        data = json.loads(tongban(url, "shell", "-c", SETUP).strip().splitlines()[-1])
        data["apply"] = json.loads(
            tongban(url, "shell", "-c", APPLY_SETUP % MATTER).strip().splitlines()[-1]
        )
        tongban(url, "ledger", "seal")
        platform = start(url)
        try:
            base = platform.base
            token = client_token(base, data)
            tree_size = requests.get(base + "/api/v1/ledger/log", timeout=30).json()["tree_size"]
            # One official session per recovery code (each code signs in once).
            officials = [official_session(base, OFFICIAL, index) for index in range(5)]
            journey = Journey(base, data, token, tree_size, officials)
            Journey.run(journey, 0, Recorder(), time.monotonic() + 2)  # warm-up
            steps: list[Figures] = []
            memory: dict[str, float] = {}
            began, total = time.monotonic(), 0
            print(f"[{kind}] journey: {', '.join(JOURNEY_PARTS)}", flush=True)
            for users in CONCURRENCY_STEPS:
                recorder = Recorder()
                started = time.monotonic()
                threads = [
                    threading.Thread(target=journey.run, args=(u, recorder, started + STEP_SECONDS))
                    for u in range(users)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=STEP_SECONDS + 120)
                for name, pid in platform.pids().items():
                    memory[name] = max(memory.get(name, 0.0), rss_mib(pid))
                step = Figures(
                    f"[{kind}] {users:3d} users",
                    len(recorder.latencies),
                    time.monotonic() - started,
                    recorder.latencies,
                    sum(recorder.errors.values()),
                )
                steps.append(step)
                print(step.line(), recorder.errors or "", flush=True)
                print(f"[{kind}]     p95 by operation: {by_operation(recorder)}", flush=True)
                total += step.count
                if step.percentile(95) > STOP_MS and len(steps) >= MIN_STEPS:
                    break
                if total > MAX_REQUESTS or time.monotonic() - began > MAX_SECONDS:
                    print(f"[{kind}] stopped by the cap before p95 passed {STOP_MS:.0f} ms")
                    break
        finally:
            stop(platform)
        audit = subprocess.run(
            [sys.executable, "-m", "tongban.manage", "ledger", "audit"],
            cwd=ROOT,
            env=child_env(url),
            capture_output=True,
            text=True,
            check=False,
        )
    rate, at = knee(steps)
    below = steps[:at]
    errors_below = sum(s.errors for s in below)
    requests_below = sum(s.count for s in below)
    summary = {
        "database": kind,
        "knee_requests_per_s": round(rate, 1) if rate is not None else None,
        "max_requests_per_s": round(max(s.rate for s in steps), 1),
        "error_rate_below_knee": errors_below / requests_below if requests_below else 0.0,
        "errors_total": sum(s.errors for s in steps),
        "rss_mib": {name: round(value, 1) for name, value in sorted(memory.items())},
        "ledger_audit": "passed" if audit.returncode == 0 else audit.stdout[-500:],
    }
    knee_text = (
        f"{rate:.1f} requests/s" if rate is not None else f"not reached (p95 ≤ {KNEE_MS:.0f} ms)"
    )
    print(f"[{kind}] knee (p95 crosses {KNEE_MS:.0f} ms): {knee_text}")
    print(
        f"[{kind}] error rate below the knee: {summary['error_rate_below_knee']:.4f} "
        f"({errors_below} of {requests_below})"
    )
    print(f"[{kind}] largest RSS (MiB): {summary['rss_mib']}")
    print(f"[{kind}] ledger audit after the run: {summary['ledger_audit']}")
    return summary


def main(kinds: list[str] | None = None) -> list[dict]:
    return [measure(kind) for kind in (kinds or databases())]


if __name__ == "__main__":
    main(sys.argv[1:] or None)
