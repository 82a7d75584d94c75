"""The leaf encoding is canonical (one byte string per event, documented in docs/ledger.md)
and never carries a resident ID number or a mobile number."""

import datetime
import json

import pytest

from tongban.ledger.leaves import Redactor, canonical_json, encode_leaf

REDACTOR = Redactor(lambda data: b"\xab" * 32)
EVENT = {
    "id": 12,
    "kind": "intake.application.decided",
    "subject_type": "intake.application",
    "subject_id": "55",
    "actor": "identity.account:3",
    "on_behalf_of": "",
    "occurred_at": datetime.datetime(2026, 11, 27, 14, 25, 11, 5, tzinfo=datetime.UTC),
    "payload": {"z": [1, 2.5, True, None], "a": "通办 ✓", "m": {"b": 1, "a": "\u2028"}},
}


def test_the_exact_bytes_of_a_leaf():
    assert encode_leaf(EVENT, REDACTOR) == (
        '{"actor":"identity.account:3","event":12,"kind":"intake.application.decided",'
        '"occurred_at":"2026-11-27T14:25:11.000005Z","on_behalf_of":"",'
        '"payload":{"a":"通办 ✓","m":{"a":"\u2028","b":1},"z":[1,2.5,true,null]},'
        '"subject_id":"55","subject_type":"intake.application","v":1}'
    ).encode("utf-8")


def test_the_time_is_written_in_utc():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    event = {**EVENT, "occurred_at": datetime.datetime(2026, 11, 27, 22, 25, 11, tzinfo=shanghai)}
    assert b'"occurred_at":"2026-11-27T14:25:11.000000Z"' in encode_leaf(event, REDACTOR)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ({"b": 1, "a": 2}, b'{"a":2,"b":1}'),
        ('quote" back\\slash \n tab\t', b'"quote\\" back\\\\slash \\n tab\\t"'),
        ("\ud800 lone", b'"\\ud800 lone"'),  # a lone surrogate becomes its JSON escape
        (float("nan"), b'"NaN"'),
        ([float("inf"), float("-inf")], b'["Infinity","-Infinity"]'),
        (10**20, b"100000000000000000000"),
        ("é", '"é"'.encode()),
    ],
)
def test_canonical_json(value, encoded):
    assert canonical_json(value) == encoded
    json.loads(encoded)  # always valid JSON


def test_re_encoding_a_parsed_leaf_gives_the_same_bytes():
    leaf = encode_leaf({**EVENT, "payload": {"odd": "\ud800", "n": 1e21}}, REDACTOR)
    assert canonical_json(json.loads(leaf)) == leaf


@pytest.mark.parametrize(
    "personal",
    [
        "110105199003071001",
        "11010519491231002x",  # check character X, written in lower case
        "13812345678",
        "+86 13812345678",
    ],
)
def test_identifiers_are_replaced_by_keyed_hashes_everywhere(personal):
    event = {
        **EVENT,
        "actor": personal,
        "subject_id": f"about {personal}.",
        "payload": {"note": f"call {personal}", "list": [personal], personal: 1},
    }
    leaf = encode_leaf(event, REDACTOR).decode()
    digits = personal.replace("+86 ", "")[-11:]
    assert digits not in leaf and digits.upper() not in leaf
    assert leaf.count("[redacted:abababab") == 5


def test_numbers_that_are_not_identifiers_stay():
    payload = {
        "bad_checksum": "110105199003071002",
        "amount": 1234567890123,
        "integer_phone": 13812345678,
        "code": "91110000100000000X",  # an organisation's credit code is not personal data
    }
    leaf = json.loads(encode_leaf({**EVENT, "payload": payload}, REDACTOR))
    assert leaf["payload"]["bad_checksum"] == "110105199003071002"
    assert leaf["payload"]["amount"] == 1234567890123
    assert leaf["payload"]["integer_phone"].startswith("[redacted:")
    assert leaf["payload"]["code"] == "91110000100000000X"


def test_equal_identifiers_give_equal_tokens_and_depend_on_the_key():
    other = Redactor(lambda data: b"\xcd" * 32)
    assert REDACTOR.text("110105199003071001") == REDACTOR.text("110105199003071001")
    assert REDACTOR.text("110105199003071001") != other.text("110105199003071001")
    assert REDACTOR.text("11010519491231002x") == REDACTOR.text("11010519491231002X")
