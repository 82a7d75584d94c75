"""Sealing writes leaves with orjson where that is exact and with the documented encoder
(`canonical_json`, Python's json) everywhere else (docs/decisions/0034). Both must give the
same bytes for every payload: any float, huge integer, lone surrogate, NaN, non-ASCII text,
control character or identifier to redact. Hypothesis generates the payloads."""

import datetime
import json

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.ledger.conftest import record, seal
from tongban.core.models import Event
from tongban.ledger import selectors
from tongban.ledger.audit import audit_ledger
from tongban.ledger.leaves import (
    EVENT_FIELDS,
    MAYBE_FLOAT,
    Redactor,
    canonical_json,
    encode_leaf,
    encode_row,
    event_from_row,
    sqlite_timestamp,
)
from tongban.ledger.models import Entry

REDACTOR = Redactor(lambda data: b"\xab" * 32)

# Every character, lone surrogates included (json writes them as escapes, orjson refuses them).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
plain_text = st.text(max_size=12)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(),  # NaN and ±Infinity included
    st.sampled_from([0.0, -0.0, 1e-05, 1e16, 1e21, 1.5, 2**63, -(2**63) - 1, 13812345678]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, any_text, plain_text)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(any_text, plain_text), inner)
    ),
    max_leaves=12,
)
payloads = st.dictionaries(st.one_of(any_text, plain_text), documents, max_size=6)
moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
)


def outbox_row(payload_text: str, occurred_at) -> tuple:
    return (
        381,
        "exchange.access",
        "exchange.accesslog",
        "55",
        "identity.account:12",
        "",
        occurred_at,
        payload_text,
    )


def sqlite_row(payload, moment: datetime.datetime) -> tuple:
    """An outbox row as SQLite hands it to the sealer: UTC time as text, payload as the text
    Django's JSONField stored (json.dumps with its defaults)."""
    return outbox_row(json.dumps(payload), str(moment.replace(tzinfo=None)))


def postgresql_row(payload, moment: datetime.datetime) -> tuple:
    """As PostgreSQL hands it over: an aware datetime, and jsonb's text output (spaced,
    characters as themselves)."""
    return outbox_row(json.dumps(payload, ensure_ascii=False), moment.replace(tzinfo=datetime.UTC))


JAN_1 = datetime.datetime(2026, 1, 1)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=payloads, moment=moments)
@example(payload={"subject": "3e9a" * 16, "n": 1}, moment=datetime.datetime(2026, 11, 27))
@example(
    payload={"x": 1e-05, "y": [float("nan")], "z": 2**64}, moment=datetime.datetime(2026, 1, 1)
)
@example(
    payload={"odd": "\ud800", "id": "110105199003071001"}, moment=datetime.datetime(2026, 1, 1)
)
@example(
    payload={"é": "通办 ✓\u2028\x7f\x00", "a": {"b": [True, None]}},
    moment=datetime.datetime(2026, 1, 1, 0, 0, 0, 5),
)
def test_the_fast_path_writes_exactly_the_documented_bytes(payload, moment):
    for row in (sqlite_row(payload, moment), postgresql_row(payload, moment)):
        assert encode_row(row, REDACTOR) == encode_leaf(event_from_row(row), REDACTOR)


def has_float_or_huge_integer(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, int) and not isinstance(value, bool):
        return not -(2**63) <= value < 2**64
    if isinstance(value, dict):
        return any(has_float_or_huge_integer(item) for item in value.values())
    if isinstance(value, list):
        return any(has_float_or_huge_integer(item) for item in value)
    return False


@settings(max_examples=250, deadline=None)
@given(payload=payloads)
def test_orjson_writes_canonical_json_for_every_document_the_fast_path_lets_through(payload):
    """Where the stored text has no float-like number, orjson's reading and writing give
    exactly what json gives: the fast path is exact, not merely usually right."""
    text = json.dumps(payload)
    if MAYBE_FLOAT.search(text):
        return  # the slow path (checked above)
    assert not has_float_or_huge_integer(payload), text
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return  # a lone surrogate: the slow path
    assert parsed == json.loads(text)
    assert orjson.dumps(parsed, option=orjson.OPT_SORT_KEYS) == canonical_json(parsed)


@pytest.mark.parametrize(
    ("value", "orjson_writes"),
    [
        (1e-05, b"0.00001"),
        (1e-07, b"1e-7"),
        (float("nan"), b"null"),
        (2**64, None),
        ("\ud800", None),
    ],
)
def test_why_there_is_a_slow_path(value, orjson_writes):
    """Where orjson writes otherwise than the definition, or refuses (None)."""
    try:
        written = orjson.dumps(value)
    except TypeError:
        written = None
    assert written == orjson_writes != canonical_json(value)
    assert isinstance(orjson.loads(str(2**64)), float)  # and it reads huge integers as floats


def test_a_float_anywhere_a_value_starts_is_noticed():
    for text in ['{"a": 1.5}', '{"a": [1, -2e3]}', '{"a":\n1E5}', '{"a": NaN}', '{"a": -Infinity}']:
        assert MAYBE_FLOAT.search(text), text
    assert MAYBE_FLOAT.search('{"a": 1234567890123456789}')  # 19 digits: may pass 64 bits
    assert not MAYBE_FLOAT.search('{"a": 123456789012345678, "h": "3e9a.5"}')


def test_sqlite_timestamps_are_copied_not_parsed():
    assert sqlite_timestamp("2026-11-27 06:25:11.123456") == "2026-11-27T06:25:11.123456Z"
    assert sqlite_timestamp("2026-11-27 06:25:11") == "2026-11-27T06:25:11.000000Z"
    assert sqlite_timestamp("2026-11-27T06:25:11+00:00") is None


@pytest.mark.django_db(transaction=True)
def test_sealed_leaves_are_what_the_definition_gives_and_the_audit_agrees():
    from django.db import connection

    tricky = [
        {"decision": "approved", "fields": ["b", "a"], "subject": "3e9a" * 16},
        {"amount": 1.5, "small": 1e-05, "big": 1e22, "huge": 2**70},
        {"名称": "通办 ✓", "ctl": "\x00\x1f\u2028", "nested": {"z": [None, True, {"b": 1}]}},
        {"phone": "13812345678", "id": "110105199003071001"},
    ]
    if connection.vendor == "sqlite":  # jsonb refuses it
        tricky.append({"odd": "\ud800 lone"})
    events = [record(1, payload=payload)[0] for payload in tricky]
    seal()
    redactor = selectors.redactor_of(selectors.current_log())
    for event in Event.objects.filter(id__in=[e.id for e in events]).values(*EVENT_FIELDS):
        leaf = Entry.objects.get(event_id=event["id"]).leaf.encode()
        assert leaf == encode_leaf(event, redactor)  # as the ORM reads the event back
    assert b"[redacted:" in Entry.objects.get(event=events[3]).leaf.encode()
    assert audit_ledger().ok
