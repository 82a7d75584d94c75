"""The ledger's leaf: one outbox event as canonical JSON (docs/ledger.md, "Leaf encoding").

    {"actor":"identity.account:12","event":381,"kind":"intake.application.decided",
     "occurred_at":"2026-11-27T06:25:11.123456Z","on_behalf_of":"","payload":{...},
     "subject_id":"55","subject_type":"intake.application","v":1}

Canonical means one byte string per event, so anyone can re-encode and re-hash it:
- the JSON text of Python's `json.dumps(..., sort_keys=True, ensure_ascii=False,
  separators=(",", ":"))`: object keys sorted by code point, no whitespace outside strings,
  non-ASCII characters as themselves, `"` `\\` and control characters escaped as JSON requires;
- encoded in UTF-8; a lone surrogate (which UTF-8 cannot carry) is written as its `\\uXXXX`
  escape; numbers that are not finite become the strings "NaN", "Infinity", "-Infinity";
- `occurred_at` in UTC with microseconds and a `Z`; `v` is the leaf format version (1).

Events carry no personal data by contract (`record_event`). As a second line of defence the
leaf never does either: a checksum-valid resident ID number (GB 11643) or a mainland mobile
number anywhere in it is replaced by `[redacted:<keyed hash>]` (HMAC with the index key, the
log's hash), so equal values stay linkable for an auditor but cannot be read back.

Sealing encodes with orjson (`encode_row`, docs/decisions/0034) where that gives the same
bytes as the definition above, and with `encode_leaf` everywhere else."""

import datetime
import json
import math
import re
from typing import Any

import orjson
from stdnum.cn import ric

LEAF_VERSION = 1
EVENT_FIELDS = (
    "id",
    "kind",
    "subject_type",
    "subject_id",
    "actor",
    "on_behalf_of",
    "occurred_at",
    "payload",
)
# A resident ID number (18 characters, checked below) or a mainland mobile number, standing
# alone between non-digits. One pass, so a replacement is never scanned again.
PERSONAL_NUMBER = re.compile(
    r"(?<![0-9])(?:(?P<id>[1-9][0-9]{16}[0-9Xx])|(?:\+?86[- ]?)?(?P<mobile>1[3-9][0-9]{9}))"
    r"(?![0-9])"
)
NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def _dumps(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of `value` (see the module docstring)."""
    try:
        text = _dumps(value)
    except ValueError:  # a number that is not finite
        text = _dumps(_finite(value))
    return text.encode("utf-8", "backslashreplace")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else NON_FINITE[value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def utc_timestamp(moment: datetime.datetime) -> str:
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


class Redactor:
    """Replaces personal identifiers found in a leaf by keyed hashes of them."""

    def __init__(self, keyed_hash):
        self.keyed_hash = keyed_hash  # bytes -> bytes

    def token(self, value: str) -> str:
        digest = self.keyed_hash(f"ledger.redacted\x00{value.upper()}".encode())
        return f"[redacted:{digest.hex()[:32]}]"

    def text(self, value: str) -> str:
        return PERSONAL_NUMBER.sub(self._replace, value) if len(value) >= 11 else value

    def _replace(self, match: re.Match) -> str:
        if match.group("mobile"):
            return self.token(match.group("mobile"))
        number = match.group("id").upper()
        if ric.calc_check_digit(number) == number[17]:
            return self.token(number)
        return match.group(0)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 10**10:
            redacted = self.text(str(value))
            return value if redacted == str(value) else redacted
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


def leaf_document(event: dict[str, Any]) -> dict[str, Any]:
    """The leaf's fields for an outbox event given as a dict of `EVENT_FIELDS`."""
    return {
        "v": LEAF_VERSION,
        "event": event["id"],
        "kind": event["kind"],
        "subject_type": event["subject_type"],
        "subject_id": event["subject_id"],
        "actor": event["actor"],
        "on_behalf_of": event["on_behalf_of"],
        "occurred_at": utc_timestamp(event["occurred_at"]),
        "payload": event["payload"],
    }


# Every identifier the redactor replaces is a run of at least 11 ASCII digits in the JSON.
DIGIT_RUN = re.compile(rb"[0-9]{11}")


def encode_leaf(event: dict[str, Any], redactor: Redactor) -> bytes:
    """The leaf bytes that are hashed into the log for one event: the redacted document as
    canonical JSON. Most leaves hold no run of 11 digits, so the walk is skipped for them."""
    document = leaf_document(event)
    leaf = canonical_json(document)
    if DIGIT_RUN.search(leaf):
        leaf = canonical_json(redactor.value(document))
    return leaf


# -- the sealing's fast path (docs/decisions/0034) ---------------------------------------------
#
# orjson writes what `canonical_json` writes for strings, integers within 64 bits, booleans,
# null, lists and objects (keys sorted by code point = by UTF-8 bytes). It writes floats
# differently (1e-05 → 0.00001), refuses integers beyond 64 bits and lone surrogates, and reads
# integers beyond 64 bits as floats and NaN not at all. So the fast path is taken only when:
# - the event has no run of 11 digits (in the payload's text or its text fields) and no digit
#   written as an escape: that is what the redactor looks at, and every integer beyond 64 bits
#   is one;
# - orjson reads the payload (no NaN, no escaped lone surrogate);
# - and what it read holds no float (checked only if a digit stands before ".", "e" or "E").
# The event's own text fields are written into the leaf's frame as they are, so they must not
# hold what JSON escapes: a quote, a backslash, a control character (a lone surrogate fails
# the UTF-8 encoding instead). Every check looks at the text through one byte translation:
# digits → "0", ".eE" → ".", what JSON escapes → "!".
_SHAPES = bytearray(b"x" * 256)
_SHAPES[ord("0") : ord("9") + 1] = b"0" * 10
for _mark in b".eE":
    _SHAPES[_mark] = ord(".")
for _escaped in [*range(0x20), ord('"'), ord("\\")]:
    _SHAPES[_escaped] = ord("!")
SHAPES = bytes(_SHAPES)
ELEVEN_DIGITS = b"0" * 11
ESCAPED = b"!"
ESCAPED_DIGIT = "\\u003"  # a digit written as \u0030-\u0039 (json.dumps never does)
DIGIT_THEN_MARK = b"0."
SORTED = orjson.OPT_SORT_KEYS
LARGEST_PLAIN_EVENT_ID = 10**10 - 1  # 10 digits


def has_float(value: Any) -> bool:
    """True when a parsed JSON value holds a float anywhere."""
    kind = type(value)
    if kind is dict:
        return any(map(has_float, value.values()))
    if kind is list:
        return any(map(has_float, value))
    return kind is float


def leaf_time(moment: Any) -> str:
    """`occurred_at` as the leaf writes it, from a datetime or from text: the sealer reads
    it as text already in that form (PostgreSQL's `to_char`) or as SQLite keeps it
    ("YYYY-MM-DD HH:MM:SS[.ffffff]", UTC), which is copied rather than parsed."""
    if isinstance(moment, str):
        if len(moment) == 27 and moment[10] == "T" and moment[26] == "Z":
            return moment
        if len(moment) == 26 and moment[10] == " " and moment[19] == ".":
            return f"{moment[:10]}T{moment[11:]}Z"
        if len(moment) == 19 and moment[10] == " ":
            return f"{moment[:10]}T{moment[11:]}.000000Z"
    return utc_timestamp(_occurred_at(moment))


def _occurred_at(moment: Any) -> datetime.datetime:
    if isinstance(moment, str):  # SQLite keeps UTC timestamps as text ...
        moment = datetime.datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # ... and hands them back naive
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def event_from_row(row: tuple) -> dict[str, Any]:
    """A raw outbox row (`EVENT_FIELDS` in order; time as a datetime or as text, payload as
    JSON text) as `encode_leaf` wants it: payload parsed, time aware."""
    event = dict(zip(EVENT_FIELDS, row, strict=True))
    event["occurred_at"] = _occurred_at(event["occurred_at"])
    if isinstance(event["payload"], str):
        event["payload"] = json.loads(event["payload"])
    return event


def encode_row(row: tuple, redactor: Redactor) -> bytes:
    """`encode_leaf(event_from_row(row), redactor)`, byte for byte, quicker: orjson parses
    the payload and writes it where that is exact (see above), the event's own text fields are
    written into the leaf's fixed frame where JSON would write them as they are (no quote,
    backslash or control character; a lone surrogate fails the UTF-8 encoding), and the time
    is copied from the text it was read as."""
    event_id, kind, subject_type, subject_id, actor, on_behalf_of, moment, payload = row
    if not isinstance(payload, str) or payload[:1] != "{" or event_id > LARGEST_PLAIN_EVENT_ID:
        return encode_leaf(event_from_row(row), redactor)
    try:
        fields = "|".join((kind, subject_type, subject_id, actor, on_behalf_of))  # str only
        fields = fields.encode("utf-8", "surrogatepass").translate(SHAPES)
        shapes = payload.encode("utf-8", "surrogatepass").translate(SHAPES)
        if ELEVEN_DIGITS in shapes or ELEVEN_DIGITS in fields or ESCAPED_DIGIT in payload:
            return encode_leaf(event_from_row(row), redactor)  # to redact, maybe; or huge
        parsed = orjson.loads(payload)
        if ESCAPED in fields or (DIGIT_THEN_MARK in shapes and has_float(parsed)):
            return encode_leaf(event_from_row(row), redactor)
        return (  # the keys in sorted order, as canonical_json writes them
            f'{{"actor":"{actor}","event":{int(event_id)},"kind":"{kind}",'
            f'"occurred_at":"{leaf_time(moment)}","on_behalf_of":"{on_behalf_of}",'
            f'"payload":{orjson.dumps(parsed, option=SORTED).decode()},'
            f'"subject_id":"{subject_id}","subject_type":"{subject_type}","v":{LEAF_VERSION}}}'
        ).encode()
    except (orjson.JSONDecodeError, TypeError, UnicodeEncodeError):  # NaN, a lone surrogate
        return encode_leaf(event_from_row(row), redactor)
