"""A live platform for security tests: its own seeded database, a real gunicorn on loopback,
and signed-in HTTP sessions for the demo city's actors.

One server per test module (module-scoped fixtures): migrating and seeding the demo city
takes a few seconds, a call through gunicorn a few milliseconds."""

import base64
import contextlib
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests

from bench.common import free_port
from tests.conftest import ROOT, child_environment

DEMO_PASSWORD = "tongban-demo-2026"


def _tongban(database_url: str, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tongban.manage", *args],
        cwd=ROOT,
        env=child_environment({"DATABASE_URL": database_url, "TONGBAN_LOG_LEVEL": "WARNING"}),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"tongban {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _postgres_server_url() -> str | None:
    """The PostgreSQL server the test run uses (DATABASE_URL), or None on SQLite."""
    import os

    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextlib.contextmanager
def seeded_database() -> Iterator[str]:
    """A fresh database of the kind this test run uses, migrated and seeded with the whole
    demo city; dropped afterwards."""
    postgres = _postgres_server_url()
    if postgres is None:
        with tempfile.TemporaryDirectory(prefix="tongban-security-") as folder:
            url = f"sqlite:///{folder}/live.sqlite3"
            _prepare(url)
            yield url
        return
    import psycopg

    base = postgres.rsplit("/", 1)[0]
    name = f"tongban_security_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{base}/{name}"
        _prepare(url)
        yield url
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(url: str) -> None:
    _tongban(url, "migrate", "--noinput")
    _tongban(url, "seed-demo")


FACTS = """
import json
from tongban.demo.accounts import totp_key
from tongban.demo.registries import client_secret
from tongban.exchange.models import SystemClient
from tongban.identity.models import Person
from tongban.licences.models import Licence
clients = {c.mediator_id.rsplit("/", 1)[-1]: {"client_id": c.application.client_id,
           "secret": client_secret(c.mediator_id), "department": c.department.short_name}
           for c in SystemClient.objects.select_related("application", "department")}
people = {p.real_name: {"login": p.phone, "id_number": p.id_number, "pk": p.pk}
          for p in Person.objects.exclude(account=None)}
licences = [{"pk": l.pk, "holder": l.holder_person.real_name if l.holder_person_id else None}
            for l in Licence.objects.all()]
print(json.dumps({"clients": clients, "people": people, "licences": licences}))
"""


def demo_facts(database_url: str) -> dict:
    """What the tests need to know about the seeded demo: clients' secrets, people's logins."""
    return json.loads(_tongban(database_url, "shell", "-c", FACTS).strip().splitlines()[-1])


def totp_code(login: str, *, drift: int = 0) -> str:
    from django_otp.oath import totp

    from tongban.demo.accounts import totp_key

    return f"{totp(bytes.fromhex(totp_key(login)), drift=drift):06d}"


@dataclass
class Live:
    """A running platform: base URL, database URL and what the seed made."""

    base: str
    database_url: str
    facts: dict
    log: object = None
    _tokens: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def sign_in(self, login: str, *, official: bool = False) -> requests.Session:
        """A requests session signed in through the real pages (TOTP for officials)."""
        session = requests.Session()
        session.get(self.url("/account/login/"), timeout=30)
        response = session.post(
            self.url("/account/login/"),
            data={"username": login, "password": DEMO_PASSWORD},
            headers=self.csrf_headers(session, "/account/login/"),
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, (login, response.status_code)
        if official:
            session.get(self.url("/account/login/verify/"), timeout=30)
            # A code is accepted once: try the neighbouring time steps too.
            for drift in (0, 1, -1):
                response = session.post(
                    self.url("/account/login/verify/"),
                    data={"code": totp_code(login, drift=drift)},
                    headers=self.csrf_headers(session, "/account/login/verify/"),
                    allow_redirects=False,
                    timeout=30,
                )
                if response.status_code == 302:
                    break
            assert response.status_code == 302, (login, "second factor refused")
        return session

    def csrf_headers(self, session: requests.Session, path: str = "/") -> dict:
        return {"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": self.url(path)}

    def token(self, client: str = "civil-affairs") -> str:
        """An exchange bearer token of a demo system client (client credentials)."""
        if client not in self._tokens:
            facts = self.facts["clients"][client]
            basic = base64.b64encode(f"{facts['client_id']}:{facts['secret']}".encode()).decode()
            response = requests.post(
                self.url("/oauth/token/"),
                data={"grant_type": "client_credentials", "scope": "exchange"},
                headers={"Authorization": f"Basic {basic}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            self._tokens[client] = response.json()["access_token"]
        return self._tokens[client]

    def tongban(self, *args: str) -> str:
        return _tongban(self.database_url, *args)


@contextlib.contextmanager
def gunicorn(
    database_url: str, *, output, web_workers: int = 1, threads: int = 4, env: dict | None = None
) -> Iterator[str]:
    """gunicorn on a free loopback port, its stdout and stderr into `output` (a file); yields
    the base URL and stops the server afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "tongban.config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(web_workers)),
            *("--threads", str(threads), "--log-level", "warning", "--no-control-socket"),
            # Stop quickly at the end: kept-alive test connections would hold it 30 s.
            *("--graceful-timeout", "2"),
        ],
        cwd=ROOT,
        env=child_environment({"DATABASE_URL": database_url, **(env or {})}),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:  # not up yet
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        requests.get(base + "/", timeout=60)  # first page: templates and translations load
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def live_platform(*, web_workers: int = 1, threads: int = 4, env: dict | None = None):
    """A seeded database and a gunicorn serving it; the server's output goes to `live.log`."""
    with seeded_database() as url, tempfile.TemporaryFile("w+") as log:
        facts = demo_facts(url)
        with gunicorn(url, output=log, web_workers=web_workers, threads=threads, env=env) as base:
            live = Live(base=base, database_url=url, facts=facts, log=log)
            yield live


def read_log(live: "Live") -> str:
    live.log.flush()
    live.log.seek(0)
    return live.log.read()
