"""/healthz says the process is up; /readyz wants the database and a live task worker."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tongban.core.models import WorkerHeartbeat
from tongban.core.workers import beat

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_without_a_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["worker"] != "ok"
    assert response.json()["database"] == "ok"


def test_readyz_is_200_with_a_recent_heartbeat(client):
    beat("worker-a", timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}


def test_readyz_is_503_with_a_stale_heartbeat(client):
    beat("worker-a", timezone.now())
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - datetime.timedelta(seconds=61))
    assert client.get("/readyz").status_code == 503


def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    beat("worker-a", timezone.now())
    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
