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
from tongban.ledger import leaves, selectors
from tongban.ledger.audit import audit_ledger
from tongban.ledger.leaves import (
    ELEVEN_DIGITS,
    EVENT_FIELDS,
    SHAPES,
    Redactor,
    canonical_json,
    encode_leaf,
    encode_row,
    event_from_row,
    has_float,
    leaf_time,
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
    """As PostgreSQL hands it over: the time as `to_char` writes it, and jsonb's text output
    (spaced, characters as themselves)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return outbox_row(json.dumps(payload, ensure_ascii=False), text)


def datetime_row(payload, moment: datetime.datetime) -> tuple:
    """With the time as an aware datetime (what the ORM reads)."""
    return outbox_row(json.dumps(payload), moment.replace(tzinfo=datetime.UTC))


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
    for row in (
        sqlite_row(payload, moment),
        postgresql_row(payload, moment),
        datetime_row(payload, moment),
    ):
        assert encode_row(row, REDACTOR) == encode_leaf(event_from_row(row), REDACTOR)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.tuples(any_text, any_text, any_text, any_text, any_text),
    event_id=st.integers(min_value=1, max_value=2**40),
    moment=moments,
)
@example(fields=('a"b', "c\\d", "\x00", "通办\u2028\x7f", "\ud800"), event_id=1, moment=JAN_1)
@example(fields=("kind", "type", "7", "", "\x1f"), event_id=10**10, moment=JAN_1)
def test_the_fast_path_writes_the_event_fields_exactly(fields, event_id, moment):
    """The event's own text fields go into the leaf's frame as they are only where JSON
    would write them so: quotes, backslashes, control characters and lone surrogates too."""
    kind, subject_type, subject_id, actor, on_behalf_of = fields
    row = (event_id, kind, subject_type, subject_id, actor, on_behalf_of, str(moment), '{"a": 1}')
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
    """Where the text has no run of 11 digits, orjson reads it and finds no float, orjson's
    reading and writing give exactly what json gives: the fast path is exact by construction,
    not merely usually right."""
    text = json.dumps(payload)
    if ELEVEN_DIGITS in text.encode("utf-8", "surrogatepass").translate(SHAPES):
        return  # the slow path (checked above)
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return  # NaN, Infinity or a lone surrogate: the slow path
    if has_float(parsed):
        return  # the slow path
    assert not has_float_or_huge_integer(payload), text
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


@pytest.mark.parametrize(
    ("payload", "fast"),
    [
        ({"decision": "approved", "fields": ["b", "a"], "n": 12}, True),
        ({"subject": "3e9a" * 16, "version": "v1.2", "名称": "通办"}, True),  # no float in fact
        ({"amount": 1.5}, False),
        ({"nested": [{"x": 1e-05}]}, False),
        ({"huge": 2**70}, False),
        ({"to": "13812345678"}, False),  # a run of 11 digits: maybe an identifier
        ({"nan": float("nan")}, False),
        ({"odd": "\ud800"}, False),
    ],
)
def test_which_events_take_the_fast_path(payload, fast, monkeypatch):
    slow = []
    definition = leaves.encode_leaf
    monkeypatch.setattr(leaves, "encode_leaf", lambda *a: slow.append(1) or definition(*a))
    row = sqlite_row(payload, JAN_1)
    assert encode_row(row, REDACTOR) == definition(event_from_row(row), REDACTOR)
    assert (not slow) is fast


def test_a_digit_written_as_an_escape_takes_the_slow_path(monkeypatch):
    slow = []
    definition = leaves.encode_leaf
    monkeypatch.setattr(leaves, "encode_leaf", lambda *a: slow.append(1) or definition(*a))
    escaped = "".join(f"\\u{ord(digit):04x}" for digit in "13812345678")  # no digit run left
    row = outbox_row(f'{{"to": "{escaped}"}}', "2026-01-01 00:00:00")
    assert ELEVEN_DIGITS not in row[-1].encode().translate(SHAPES)
    assert b"[redacted:" in encode_row(row, REDACTOR) and slow


def test_has_float():
    assert has_float({"a": [1, {"b": 2.0}]}) and not has_float({"a": [1, {"b": "2.0"}]})


def test_times_read_as_text_are_copied_not_parsed():
    assert leaf_time("2026-11-27 06:25:11.123456") == "2026-11-27T06:25:11.123456Z"
    assert leaf_time("2026-11-27 06:25:11") == "2026-11-27T06:25:11.000000Z"
    assert leaf_time("2026-11-27T06:25:11.123456Z") == "2026-11-27T06:25:11.123456Z"
    assert leaf_time("2026-11-27T14:25:11+08:00") == "2026-11-27T06:25:11.000000Z"


@pytest.mark.django_db(transaction=True)
def test_sealed_leaves_are_what_the_definition_gives_and_the_audit_agrees():
    from django.db import connection

    tricky = [
        {"decision": "approved", "fields": ["b", "a"], "subject": "3e9a" * 16},
        {"amount": 1.5, "small": 1e-05, "big": 1e22, "huge": 2**70},
        {"名称": "通办 ✓", "ctl": "\x01\x1f\u2028", "nested": {"z": [None, True, {"b": 1}]}},
        {"phone": "13812345678", "id": "110105199003071001"},
    ]
    if connection.vendor == "sqlite":  # jsonb refuses it
        tricky.append({"odd": "\ud800 lone", "nul": "\x00"})
    events = [record(1, payload=payload)[0] for payload in tricky]
    seal()
    redactor = selectors.redactor_of(selectors.current_log())
    for event in Event.objects.filter(id__in=[e.id for e in events]).values(*EVENT_FIELDS):
        leaf = Entry.objects.get(event_id=event["id"]).leaf.encode()
        assert leaf == encode_leaf(event, redactor)  # as the ORM reads the event back
    assert b"[redacted:" in Entry.objects.get(event=events[3]).leaf.encode()
    assert audit_ledger().ok
