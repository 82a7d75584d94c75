"""Machinery for the fault-injection tests: real processes on the test's PostgreSQL database,
a load of exchange calls with known request ids, and the invariants checked after each fault.

Everything listens on loopback only. Every wait is bounded."""

import base64
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.db import connection

from bench.common import free_port
from tests.conftest import ROOT, child_environment, run_tongban

STARTUP_SECONDS = 60


def wait_for(condition, *, timeout: float, step: float = 0.1, what: str = "condition"):
    """Poll `condition()` until it is truthy (returned) or `timeout` seconds pass (fail)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout} s")
        time.sleep(step)


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Web:
    process: subprocess.Popen
    base: str

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid)


@dataclass
class Platform:
    """N gunicorn servers (each with its own web workers) and N `tongban worker` processes on
    one database, as a production layout runs them, with their output in a folder."""

    database_url: str
    web_workers: int = 2
    threads: int = 4
    webs: list[Web] = field(default_factory=list)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tongban-faults-")))

    def env(self) -> dict:
        return child_environment(
            {"DATABASE_URL": self.database_url, "TONGBAN_LOG_LEVEL": "WARNING"}
        )

    def _output(self, name: str):
        return open(self.folder / f"{name}.log", "ab")

    def start_web(self, *, wait: bool = True) -> Web:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.web_workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--no-control-socket",
        ]
        with self._output(f"web-{port}") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT
            )
        web = Web(process, f"http://127.0.0.1:{port}")
        self.webs.append(web)
        if wait:
            self.wait_web(web)
        return web

    def wait_web(self, web: Web) -> None:
        wait_for(lambda: self._answers(web), timeout=STARTUP_SECONDS, what=f"{web.base} up")
        wait_for(
            lambda: len(web.worker_pids()) == self.web_workers,
            timeout=STARTUP_SECONDS,
            what="every web worker forked",
        )

    def _answers(self, web: Web) -> bool:
        if web.process.poll() is not None:
            raise AssertionError(f"web server exited:\n{self.output()}")
        try:
            return requests.get(web.base + "/healthz", timeout=2).ok
        except requests.RequestException:
            return False

    def start_worker(self, worker_id: str | None = None, *, wait: bool = True) -> str:
        worker_id = worker_id or f"fault-{uuid.uuid4().hex[:8]}"
        command = [
            sys.executable,
            "-m",
            "tongban.manage",
            "worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
        ]
        with self._output(f"worker-{worker_id}") as out:
            self.workers[worker_id] = subprocess.Popen(
                command, cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT
            )
        if wait:
            self.wait_worker(worker_id)
        return worker_id

    def wait_worker(self, worker_id: str) -> None:
        from tongban.core.models import WorkerHeartbeat

        def beating():
            if self.workers[worker_id].poll() is not None:
                raise AssertionError(f"worker exited:\n{self.output()}")
            return WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()

        wait_for(beating, timeout=STARTUP_SECONDS, what=f"worker {worker_id} beating")

    def kill_worker(self, worker_id: str) -> None:
        process = self.workers.pop(worker_id)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def running(self) -> bool:
        return all(w.process.poll() is None for w in self.webs) and all(
            p.poll() is None for p in self.workers.values()
        )

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def stop(self) -> None:
        processes = [w.process for w in self.webs] + list(self.workers.values())
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.webs.clear()
        self.workers.clear()


@contextlib.contextmanager
def platform(database_url: str, *, webs: int = 1, workers: int = 1, **options):
    running = Platform(database_url, **options)
    try:  # every process starts at once; then wait for each
        started_webs = [running.start_web(wait=False) for _ in range(webs)]
        started_workers = [running.start_worker(wait=False) for _ in range(workers)]
        for web in started_webs:
            running.wait_web(web)
        for worker_id in started_workers:
            running.wait_worker(worker_id)
        yield running
    finally:
        running.stop()


# -- load: exchange calls, each with a request id chosen by the caller -----------------------


@dataclass
class Call:
    request_id: str
    status: int | None  # None: no answer (connection reset, timeout)
    expected: int
    result: str  # the access-log result the answer implies

    def _replace_unanswered(self) -> "Call":
        """A call answered 503 (database unavailable) did nothing: as good as no answer."""
        return Call(self.request_id, None, self.expected, self.result)


# (body changes, expected status, expected access-log result)
MIX = [
    ({}, 200, "allowed"),
    ({"fields": ["children"]}, 403, "field_not_granted"),
    ({"case_reference": ""}, 422, "missing_case"),
]


class Exchange:
    """A departmental system calling the exchange through any of the platform's servers."""

    def __init__(self, consumer, subject_id: str):
        self.consumer = consumer
        self.subject_id = subject_id
        self.token: str | None = None
        self.local = threading.local()
        self.calls: list[Call] = []
        self.lock = threading.Lock()

    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def fetch_token(self, base: str) -> None:
        basic = base64.b64encode(
            f"{self.consumer.application.client_id}:{self.consumer.secret}".encode()
        ).decode()
        response = requests.post(
            f"{base}/oauth/token/",
            data={"grant_type": "client_credentials", "scope": "exchange"},
            headers={"Authorization": f"Basic {basic}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def call(self, base: str, i: int, *, timeout: float = 30) -> Call:
        change, expected, result = MIX[i % len(MIX)]
        body = {
            "registry": "people",
            "subject_id": self.subject_id,
            "fields": ["name"],
            "purpose": "结婚登记",
            "case_reference": f"FAULT-{i}",
            **change,
        }
        request_id = f"fault-{uuid.uuid4().hex}"
        headers = {"Authorization": f"Bearer {self.token}", "X-Request-ID": request_id}
        try:
            response = self.session().post(
                f"{base}/api/v1/exchange/lookups", json=body, headers=headers, timeout=timeout
            )
            status = response.status_code
        except requests.RequestException:
            status = None
            self.local.__dict__.pop("session", None)  # a fresh connection next time
        call = Call(request_id, status, expected, result)
        with self.lock:
            self.calls.append(call)
        return call

    def run(self, bases: list[str], count: int, *, concurrency: int = 6, start: int = 0):
        """`count` calls spread over `bases` in turn, from `concurrency` threads."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(
                pool.map(lambda i: self.call(bases[i % len(bases)], i), range(start, start + count))
            )

    @contextlib.contextmanager
    def background(self, bases: list[str], *, concurrency: int = 4):
        """Calls without pause from `concurrency` threads until the block ends."""
        stop = threading.Event()
        counter = iter(range(10**9))
        lock = threading.Lock()

        def loop():
            while not stop.is_set():
                with lock:
                    i = next(counter)
                self.call(bases[i % len(bases)], i, timeout=15)

        threads = [threading.Thread(target=loop, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=40)


# -- invariants ---------------------------------------------------------------------------------


def assert_access_log_complete(calls: list[Call]) -> None:
    """Every answered call has exactly its one line, with the result its answer said; every
    line has its one outbox event; a call that got no answer left one line or none."""
    from tongban.core.models import Event
    from tongban.exchange.models import AccessLog

    lines = Counter(AccessLog.objects.values_list("request_id", flat=True))
    results = dict(AccessLog.objects.values_list("request_id", "result"))
    assert [rid for rid, n in lines.items() if n > 1] == [], "a call has two log lines"
    answered = [c for c in calls if c.status is not None]
    assert [c for c in answered if c.status >= 500] == [], "a call was answered with an error"
    assert [(c.status, c.expected) for c in answered if c.status != c.expected] == []
    missing = [c.request_id for c in answered if c.request_id not in lines]
    assert missing == [], f"{len(missing)} answered calls have no access-log line"
    assert [c for c in answered if results[c.request_id] != c.result] == []
    ours = {c.request_id for c in calls}
    assert set(lines) <= ours, "a log line of a call nobody made"
    assert Event.objects.filter(kind="exchange.access").count() == sum(lines.values())


def enqueue_sealing() -> None:
    from tongban.ledger.tasks import seal_ledger

    seal_ledger.enqueue()


def assert_sealed_exactly_once(*, timeout: float = 60, cli: bool = False) -> None:
    """The running workers seal every committed event (they are asked to, as the periodic job
    does), each exactly once, with no batch half-written; then `tongban ledger audit` passes."""
    from tongban.core.models import Event
    from tongban.ledger.models import Checkpoint, Entry

    events = set(Event.objects.values_list("id", flat=True))

    def all_sealed():
        enqueue_sealing()
        sealed = set(Entry.objects.values_list("event_id", flat=True))
        return events <= sealed or time.sleep(0.5)

    wait_for(all_sealed, timeout=timeout, step=0.2, what=f"{len(events)} events sealed")
    entries = Entry.objects.count()
    assert entries == Entry.objects.values("event_id").distinct().count()
    assert set(Entry.objects.values_list("event_id", flat=True)) <= set(
        Event.objects.values_list("id", flat=True)
    )
    indexes = sorted(Entry.objects.values_list("index", flat=True))
    assert indexes == list(range(len(indexes))), "the log has a gap"
    # Every batch committed whole: the newest checkpoint covers every entry ...
    wait_for(
        lambda: (
            Checkpoint.objects.order_by("-tree_size").first().tree_size == Entry.objects.count()
        ),
        timeout=timeout,
        what="a checkpoint for every entry",
    )
    if cli:  # the command an auditor runs (a process of its own: seconds to start)
        audit = run_tongban("ledger", "audit", env={"DATABASE_URL": database_url()}, timeout=120)
        assert audit.returncode == 0, audit.stdout + audit.stderr
    else:  # what that command runs
        from tongban.ledger.audit import audit_ledger

        result = audit_ledger()
        assert result.ok, result


def assert_no_task_lost() -> None:
    """After the workers stopped (cleanly), no task is left claimed (`RUNNING`): every task a
    killed worker held was handed back and finished. (A task enqueued by a periodic job just
    before the stop is still `READY`: queued, not lost.)"""
    from django_tasks_db.models import DBTaskResult

    stuck = DBTaskResult.objects.filter(status="RUNNING")
    assert not stuck.exists(), list(stuck.values("task_path", "worker_ids", "started_at"))


def database_url() -> str:
    from tests.conftest import child_database_url

    return child_database_url()


def reconnect() -> None:
    """Drop this test process's database connection (after PostgreSQL restarted)."""
    with contextlib.suppress(Exception):
        connection.close()
    connection.connection = None


def postgres_accepts() -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url(), connect_timeout=2) as probe:
            probe.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def the_cluster() -> tuple[str, str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return version, "main"


# -- submissions: a citizen signed in on a server, applying through the API --------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Submission:
    key: str
    status: int | None  # None: no answer
    number: str = ""
    application_id: int | None = None

    def _replace_unanswered(self) -> "Submission":
        """Answered 503 (database unavailable): nothing was written, as good as no answer."""
        return Submission(self.key, None)


class Applicant:
    """A citizen with a browser session (signed in through the HTML form on one server; the
    session is in the database, so it works on every server) submitting applications through
    `/api/v1/applications/` with an `Idempotency-Key`."""

    def __init__(self, login: str, password: str, version_id: int):
        self.login, self.password, self.version_id = login, password, version_id
        self.session = requests.Session()
        self.submissions: list[Submission] = []
        self.lock = threading.Lock()

    def sign_in(self, base: str) -> None:
        form = self.session.get(base + "/account/login/", timeout=30)
        token = CSRF_FIELD.search(form.text).group(1)
        answer = self.session.post(
            base + "/account/login/",
            data={"csrfmiddlewaretoken": token, "username": self.login, "password": self.password},
            timeout=60,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[-2000:]

    def submit(self, base: str, key: str | None = None, *, timeout: float = 30) -> Submission:
        key = key or f"fault-{uuid.uuid4().hex}"
        try:
            answer = self.session.post(
                base + "/api/v1/applications/",
                json={
                    "version_id": self.version_id,
                    "form": {"child_name": "张小宝", "child_gender": "男"},
                },
                headers={
                    "Idempotency-Key": key,
                    "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
                },
                timeout=timeout,
            )
            body = answer.json() if answer.status_code == 201 else {}
            submission = Submission(key, answer.status_code, body.get("number", ""), body.get("id"))
        except requests.RequestException:
            submission = Submission(key, None)
        with self.lock:
            self.submissions.append(submission)
        return submission


def assert_applications_exactly_once(submissions: list[Submission]) -> None:
    """Every application that got a receipt (201 with its number) exists exactly once, under
    its key; a key whose call got no answer has at most one application; every submitted
    application's workflow is running with an open step, its one `submitted` event and its
    applicant's one `submitted` message (none lost, none twice)."""
    from tongban.core.models import Event
    from tongban.intake.models import Application, Message, SubmissionKey
    from tongban.intake.selectors import tasks_of
    from tongban.workflow.models import ProcessInstance, Task

    answered = [s for s in submissions if s.status is not None]
    assert [s for s in answered if s.status >= 500] == [], "a submission answered with an error"
    assert [s.status for s in answered if s.status != 201] == []
    for submission in answered:
        assert submission.number, submission
        found = Application.objects.filter(number=submission.number)
        assert [a.pk for a in found] == [submission.application_id]
        assert SubmissionKey.objects.filter(key=submission.key).count() == 1
    for submission in submissions:
        assert SubmissionKey.objects.filter(key=submission.key).count() <= 1
    submitted = Application.objects.exclude(number="")
    assert submitted.count() == SubmissionKey.objects.count()
    assert submitted.values("number").distinct().count() == submitted.count()
    for application in submitted:
        subject = {"subject_type": "intake.application", "subject_id": str(application.pk)}
        assert ProcessInstance.objects.filter(**subject).count() == 1, application.number
        assert any(
            t.status in (Task.Status.OPEN, Task.Status.CLAIMED) for t in tasks_of(application)
        ), f"{application.number}: the workflow did not resume"
        assert Event.objects.filter(kind="intake.application.submitted", **subject).count() == 1
        assert (
            Message.objects.filter(application=application, kind="submitted")
            .values("account")
            .distinct()
            .count()
            == Message.objects.filter(application=application, kind="submitted").count()
            >= 1
        ), f"{application.number}: a receipt message lost or duplicated"
