"""The gateway answers with granted fields only; every call, allowed or refused, leaves one
access-log line (and one outbox event) committed before the answer."""

import datetime
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.exchange.conftest import LI, ZHANG, lookup
from tongban.core.models import Event
from tongban.demo.codes import id_number
from tongban.exchange import gateway, services
from tongban.exchange.callers import Caller
from tongban.exchange.models import AccessLog, AppendOnly, Grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def consumer(make_client):
    return make_client("民政局")


@pytest.fixture
def bearer(consumer, token):
    return token(consumer)


def last_line() -> AccessLog:
    return AccessLog.objects.order_by("-id").first()


def test_only_granted_fields_are_returned_and_the_call_is_logged(
    client, people, consumer, bearer, grant_for
):
    grant = grant_for(consumer, people, ["name", "marital_status"])
    response = lookup(client, bearer, fields=["marital_status"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["fields"] == {"marital_status": "已婚"}
    assert body["source"]["department"] == "示范市公安局"
    line = last_line()
    assert body["access_id"] == line.pk
    assert (line.result, line.client, line.grant, line.registry) == (
        "allowed",
        consumer,
        grant,
        people,
    )
    assert line.fields_requested == line.fields_returned == ["marital_status"]
    assert (line.purpose, line.case_reference) == ("婚姻登记", "CASE-1")
    assert line.subject_index == services.subject_index("id_number", ZHANG)


def test_the_access_event_carries_a_keyed_hash_never_the_id_number(
    client, people, consumer, bearer, grant_for
):
    grant_for(consumer, people, ["name"])
    lookup(client, bearer)
    event = Event.objects.filter(kind="exchange.access").last()
    text = json.dumps(event.payload, ensure_ascii=False)
    assert ZHANG not in text and "张伟" not in text
    assert len(event.payload["subject"]) == 64
    assert event.payload["subject"] != last_line().subject_index  # another purpose's key
    assert event.subject_id == str(last_line().pk)


@pytest.mark.django_db(transaction=True)  # on PostgreSQL only committed events are sealed
def test_the_access_event_is_the_outbox_row_record_event_writes_and_is_sealed(
    client, people, consumer, bearer, grant_for
):
    """The gateway writes its line and event with plain SQL: the event must be the row
    `record_event` would write (txid from the database on PostgreSQL), and the ledger seals it."""
    grant_for(consumer, people, ["name"])
    lookup(client, bearer)
    line = last_line()
    event = Event.objects.get(kind="exchange.access", subject_id=str(line.pk))
    assert event.subject_type == "exchange.accesslog"
    assert event.actor == f"exchange.systemclient:{consumer.pk}"
    assert event.on_behalf_of == ""
    assert event.payload["fields"] == line.fields_returned == ["name"]
    assert abs(event.occurred_at - line.at) < datetime.timedelta(seconds=5)
    assert (event.txid is not None) is (connection.vendor == "postgresql")
    assert line.at.tzinfo is not None and abs(timezone.now() - line.at).total_seconds() < 60
    from tests.ledger.conftest import settled
    from tongban.ledger.models import Entry
    from tongban.ledger.services import seal_pending_events

    settled()
    seal_pending_events()
    assert Entry.objects.filter(event=event).exists()


REFUSALS = [
    # (what the call does wrong, body changes, expected status, result code)
    ("no purpose", {"purpose": ""}, 422, "missing_purpose"),
    ("no case", {"case_reference": None}, 422, "missing_case"),
    ("blank case", {"case_reference": "   "}, 422, "missing_case"),
    ("malformed ID", {"subject_id": "52262219920514003X"}, 422, "malformed_subject"),
    ("not an ID", {"subject_id": "' OR 1=1 --"}, 422, "malformed_subject"),
    ("ungranted field", {"fields": ["name", "children"]}, 403, "field_not_granted"),
    ("unknown field", {"fields": ["salary"]}, 422, "unknown_field"),
    ("no fields", {"fields": []}, 422, "unknown_field"),
    ("unknown registry", {"registry": "secret-police"}, 404, "unknown_registry"),
]


@pytest.mark.parametrize(
    ("what", "change", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_every_refusal_is_logged_and_returns_nothing(
    client, people, consumer, bearer, grant_for, what, change, status, code
):
    grant_for(consumer, people, ["name"])
    before = AccessLog.objects.count()
    response = lookup(client, bearer, **change)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert "张伟" not in response.content.decode()
    assert AccessLog.objects.count() == before + 1
    line = last_line()
    assert (line.result, line.fields_returned) == (code, [])
    assert Event.objects.filter(kind="exchange.access", subject_id=str(line.pk)).exists()


def test_without_a_grant_expired_or_revoked_grants_the_call_is_refused(
    client, people, consumer, bearer, grant_for
):
    assert lookup(client, bearer).json()["code"] == "no_grant"
    grant = grant_for(consumer, people, ["name"])
    Grant.objects.filter(pk=grant.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(1)
    )
    response = lookup(client, bearer)
    assert (response.status_code, response.json()["code"]) == (403, "grant_expired")
    Grant.objects.filter(pk=grant.pk).update(expires_on=timezone.localdate())
    assert lookup(client, bearer).status_code == 200
    services.revoke_grant(actor="system:test", grant=grant, reason="no longer needed")
    response = lookup(client, bearer)
    assert (response.status_code, response.json()["code"]) == (403, "grant_revoked")
    assert list(AccessLog.objects.order_by("id").values_list("result", flat=True)) == [
        "no_grant",
        "grant_expired",
        "allowed",
        "grant_revoked",
    ]


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "unauthenticated"),
        ("Bearer not-a-token", "invalid_token"),
        ("Basic eDp5", "unauthenticated"),
    ],
)
def test_unauthenticated_calls_are_refused_and_logged(client, people, authorization, code):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.post(
        "/api/v1/exchange/lookups",
        data=json.dumps({"registry": "people", "subject_id": ZHANG, "fields": ["name"]}),
        content_type="application/json",
        **headers,
    )
    assert (response.status_code, response.json()["code"]) == (401, code)
    line = last_line()
    assert (line.result, line.client) == (code, None)


def test_a_malformed_body_is_refused_and_logged(client, people, bearer):
    for body in ("not json", json.dumps({"fields": "name"}), json.dumps({"status": "approved"})):
        response = client.post(
            "/api/v1/exchange/lookups",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
        )
        assert (response.status_code, response.json()["code"]) == (422, "malformed_request")
    assert list(AccessLog.objects.values_list("result", flat=True)) == ["malformed_request"] * 3


def test_the_rate_limit_refuses_and_logs_calls_over_it(
    client, people, make_client, token, grant_for
):
    limited = make_client("民政局", "limited", rate_limit_per_minute=3)
    grant_for(limited, people, ["name"])
    bearer = token(limited)
    statuses = [lookup(client, bearer).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert (
        list(AccessLog.objects.order_by("id").values_list("result", flat=True))
        == ["allowed"] * 3 + ["rate_limited"] * 2
    )


def test_the_rate_limit_counts_every_processs_calls(client, people, make_client, token, grant_for):
    """The count is the shared access log: a process that never saw the client's earlier calls
    (another web process; here the same one after forgetting its counts) still refuses."""
    limited = make_client("民政局", "limited", rate_limit_per_minute=5)
    grant_for(limited, people, ["name"])
    bearer = token(limited)
    assert [lookup(client, bearer).status_code for _ in range(3)] == [200] * 3
    gateway.forget_rate_counts()  # "process B"
    assert [lookup(client, bearer).status_code for _ in range(3)] == [200, 200, 429]


def test_other_processes_calls_count_within_a_second(
    client, people, make_client, token, grant_for, monkeypatch
):
    """Far below the limit a process counts again at most once a second: the calls other
    processes made meanwhile are seen then (the bounded overshoot of ADR 0051)."""
    limited = make_client("民政局", "limited", rate_limit_per_minute=100)
    grant_for(limited, people, ["name"])
    bearer = token(limited)
    assert lookup(client, bearer).status_code == 200
    for _ in range(99):  # another process's calls, after this one counted
        AccessLog.objects.create(client=limited, channel="api", result="allowed")
    assert lookup(client, bearer).status_code == 200  # not seen yet
    now = gateway.time.monotonic()
    monkeypatch.setattr(gateway.time, "monotonic", lambda: now + gateway.RATE_RECOUNT_SECONDS)
    response = lookup(client, bearer)
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")


def test_a_subject_without_a_record_is_a_logged_not_found(
    client, people, consumer, bearer, grant_for
):
    grant_for(consumer, people, ["name"])
    other = id_number("522624", datetime.date(1959, 3, 8), 22)  # valid, not in the registry
    response = lookup(client, bearer, subject_id=other)
    assert (response.status_code, response.json()["code"]) == (404, "no_record")
    assert last_line().result == "not_found"


def test_the_owning_department_reads_its_own_registry_without_a_grant(
    client, people, make_client, token
):
    police = make_client("公安局")
    response = lookup(client, token(police), fields=["name", "marital_status"], subject_id=LI)
    assert response.json()["fields"] == {"name": "李娜", "marital_status": "已婚"}
    assert last_line().grant is None


def test_another_departments_token_cannot_claim_to_be_another_system(
    client, people, consumer, bearer, grant_for, make_client
):
    grant_for(consumer, people, ["name"])
    other = make_client("税务局")
    response = client.post(
        "/api/v1/exchange/lookups",
        data=json.dumps(
            {
                "registry": "people",
                "subject_id": ZHANG,
                "fields": ["name"],
                "purpose": "x",
                "case_reference": "y",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
        HTTP_INFORMATION_MEDIATOR_CLIENT=other.mediator_id,
    )
    assert (response.status_code, response.json()["code"]) == (403, "mediator_mismatch")


def test_an_inactive_client_is_refused(client, people, consumer, bearer, grant_for):
    grant_for(consumer, people, ["name"])
    consumer.is_active = False
    consumer.save()
    assert lookup(client, bearer).json()["code"] == "not_a_system_client"


def test_delayed_disclosure_is_stamped_on_the_log_line(client, people, consumer, bearer, grant_for):
    grant_for(
        consumer,
        people,
        ["name"],
        disclosure_delay_days=90,
        disclosure_delay_basis="《刑事诉讼法》第一百五十二条",
    )
    lookup(client, bearer)
    line = last_line()
    assert line.disclose_after - line.at == datetime.timedelta(days=90)


def test_the_gateway_refuses_to_run_inside_a_callers_transaction(people, consumer, grant_for):
    """Its log line must commit on its own before the data is used: inside an outer
    transaction it could roll back with the caller's work."""
    grant_for(consumer, people, ["name"])
    with pytest.raises(RuntimeError), transaction.atomic():
        gateway.fetch_for_case(
            client=consumer,
            registry_code="people",
            subject_id=ZHANG,
            fields=["name"],
            purpose="出生登记",
            case_reference="APP-1",
        )


def test_fetch_for_case_is_the_in_process_contract_for_intake(people, consumer, grant_for):
    grant_for(consumer, people, ["name", "marital_status"])
    disclosure = gateway.fetch_for_case(
        client=consumer,
        registry_code="people",
        subject_id=ZHANG.lower(),
        fields=["name"],
        purpose="出生登记",
        case_reference="APP-1",
    )
    assert disclosure.values == {"name": "张伟"}
    assert disclosure.registry.department.short_name == "公安局"
    line = AccessLog.objects.get(pk=disclosure.access_id)
    assert (line.channel, line.case_reference) == ("internal", "APP-1")
    with pytest.raises(gateway.AccessRefused) as refused:
        gateway.fetch_for_case(
            client=consumer,
            registry_code="people",
            subject_id=ZHANG,
            fields=["children"],
            purpose="出生登记",
            case_reference="APP-1",
        )
    assert refused.value.code == "field_not_granted"
    assert AccessLog.objects.get(pk=refused.value.access_id).result == "field_not_granted"


def test_access_log_lines_cannot_be_changed_or_deleted(people, consumer):
    with pytest.raises(gateway.AccessRefused):
        gateway.fetch(
            caller=Caller(consumer, "api"),
            registry_code="people",
            subject_id=ZHANG,
            fields=["name"],
            purpose="p",
            case_reference="c",
        )
    line = last_line()
    line.result = "allowed"
    with pytest.raises(AppendOnly):
        line.save()
    with pytest.raises(AppendOnly):
        line.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.update(result="allowed")
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()


def test_the_database_refuses_updates_of_the_access_log(people, consumer):
    with pytest.raises(gateway.AccessRefused):
        gateway.fetch(
            caller=Caller(consumer, "api"),
            registry_code="people",
            subject_id=ZHANG,
            fields=["name"],
            purpose="p",
            case_reference="c",
        )
    with (
        pytest.raises(Exception, match="append only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE exchange_accesslog SET result = 'allowed'")
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM exchange_accesslog")
    assert last_line().result == "no_grant"


def test_my_grants_lists_the_calling_systems_grants(client, people, consumer, bearer, grant_for):
    grant = grant_for(consumer, people, ["name"])
    response = client.get("/api/v1/exchange/grants", HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert response.status_code == 200
    assert [(g["id"], g["fields"], g["status"]) for g in response.json()] == [
        (grant.pk, ["name"], "active")
    ]
    assert client.get("/api/v1/exchange/grants").status_code == 401
