"""The exchange gateway: every read of registry data by another system goes through here.

A call states its purpose and case reference; it is answered with the granted fields only; and
every call — allowed or refused — leaves one access-log line per subject, committed in its
own durable transaction *before* the answer is returned (a refusal is logged, then raised).
Calling these functions inside an open transaction is an error: the log line would otherwise
roll back with the caller's work while the data had already been seen (ADR 0051).

The access event goes to the outbox with the subject as a keyed hash of its own purpose, never
the identifier itself, so the ledger can seal it."""

import contextlib
import datetime
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

try:
    import fcntl
except ImportError:  # not on Windows: threads still queue on the lock
    fcntl = None

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.events import reference
from tongban.core.identifiers import clean_credit_code, clean_id_number
from tongban.core.logging import current_request_id
from tongban.exchange import sources
from tongban.exchange.callers import Caller
from tongban.exchange.models import AccessLog, Grant, Record, Registry, subject_index
from tongban.exchange.sources import SourceRecord

MAX_PURPOSE, MAX_CASE = 200, 100
LEDGER_SUBJECT_PURPOSE = "exchange.access.subject"

# refusal code -> (HTTP status, message)
REFUSALS = {
    "unauthenticated": (401, _("Authenticate with a system client's bearer token.")),
    "invalid_token": (401, _("The access token is not valid.")),
    "not_a_system_client": (401, _("The token does not belong to a registered system.")),
    "unknown_mediator_client": (401, _("The information mediator named an unknown system.")),
    "mediator_mismatch": (403, _("Information-Mediator-Client names another system.")),
    "missing_mediator_header": (400, _("Name the calling system in Information-Mediator-Client.")),
    "malformed_request": (422, _("The request body is not the JSON object described.")),
    "rate_limited": (429, _("Too many calls; slow down and try again in a minute.")),
    "missing_purpose": (422, _("State the purpose of the call.")),
    "missing_case": (422, _("State the case reference of the call.")),
    "unknown_registry": (404, _("There is no such registry.")),
    "unknown_field": (422, _("The registry has no such field.")),
    "field_not_searchable": (422, _("Records cannot be searched by an encrypted field.")),
    "malformed_subject": (422, _("The subject identifier is not valid.")),
    "no_grant": (403, _("Your system holds no grant for this registry.")),
    "field_not_granted": (403, _("Your grant does not cover every field asked for.")),
    "grant_expired": (403, _("Your grant has expired.")),
    "grant_revoked": (403, _("Your grant has been revoked.")),
}


class AccessRefused(Exception):
    """A refused call, already logged. `code` is one of REFUSALS."""

    def __init__(self, code: str, access_id: int):
        self.code, self.access_id = code, access_id
        self.status, self.message = REFUSALS[code]
        super().__init__(code)


@dataclass
class Disclosure:
    """What one allowed call returns about one subject."""

    registry: Registry
    access_id: int
    record: Record | SourceRecord | None
    values: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.record is not None


class _Refused(Exception):
    def __init__(self, code: str):
        self.code = code


@dataclass
class _Call:
    caller: Caller
    purpose: str
    case_reference: str
    fields_requested: list
    registry: Registry | None = None
    grant: Grant | None = None
    subject_index: str = ""
    subject_hash: str = ""
    at: datetime.datetime = field(default_factory=timezone.now)

    def log(self, result: str, *, record_subject: str | None = None, returned=()) -> int:
        """Write the access-log line and its event; commit before returning the line's id.

        Every value is prepared before the transaction opens, and the two rows are written
        with plain INSERTs: the write lock (SQLite's is database-wide) is held only for the
        statements themselves."""
        client = self.caller.client
        disclose_after = None
        if self.grant and self.grant.disclosure_delay_days and result == AccessLog.ALLOWED:
            disclose_after = self.at + datetime.timedelta(days=self.grant.disclosure_delay_days)
        index = record_subject if record_subject is not None else self.subject_index
        purpose, case = self.purpose[:MAX_PURPOSE], self.case_reference[:MAX_CASE]
        returned = list(returned)
        request_id = current_request_id() or ""
        ops = connection.ops
        line = [
            ops.adapt_datetimefield_value(self.at),
            self.caller.channel,
            client.pk if client else None,
            client.department_id if client else None,
            self.registry.pk if self.registry else None,
            self.grant.pk if self.grant else None,
            index,
            purpose,
            case,
            json.dumps([str(f)[:64] for f in self.fields_requested[:100]]),
            json.dumps(returned),
            result,
            ops.adapt_datetimefield_value(disclose_after),
            request_id,
        ]
        payload = {
            "result": result,
            "channel": self.caller.channel,
            "client": client.pk if client else None,
            "registry": self.registry.code if self.registry else None,
            "fields": returned,
            "purpose": purpose,
            "case": case,
            "subject": self.subject_hash if index == self.subject_index else index,
        }
        event = [
            ACCESS_EVENT,
            ACCESS_SUBJECT_TYPE,
            json.dumps(payload),
            reference(client or "anonymous"),
            request_id,
            ops.adapt_datetimefield_value(timezone.now()),
        ]
        if connection.vendor == "postgresql":
            # One statement, in autocommit: it commits by itself (no BEGIN, no COMMIT trip).
            blocks = connection.atomic_blocks  # as atomic(durable=True) checks, tests aside
            if blocks and not getattr(blocks[-1], "_from_testcase", False):
                raise RuntimeError("the gateway logs in its own transaction: call it outside one")
            with connection.cursor() as cursor:
                cursor.execute(LOG_AND_EVENT_SQL_POSTGRESQL, line + event)
                return int(cursor.fetchone()[0])
        with _writing(), transaction.atomic(durable=True), connection.cursor() as cursor:
            cursor.execute(LOG_SQL, line)
            line_id = cursor.fetchone()[0]
            cursor.execute(EVENT_SQL, [*event[:2], str(line_id), *event[2:]])
            return line_id


# The access-log line and its outbox event (the same row `core.events.record_event` writes,
# with `txid` left to its database default), as plain SQL on the hot path.
ACCESS_EVENT, ACCESS_SUBJECT_TYPE = "exchange.access", AccessLog._meta.label_lower
_LOG_COLUMNS = (
    "at, channel, client_id, department_id, registry_id, grant_id, subject_index, purpose, "
    "case_reference, fields_requested, fields_returned, result, disclose_after, request_id"
)
_EVENT_COLUMNS = (
    "kind, subject_type, subject_id, payload, actor, on_behalf_of, request_id, occurred_at"
)
LOG_SQL = (
    f"INSERT INTO exchange_accesslog ({_LOG_COLUMNS}) "  # noqa: S608  # nosec B608  # constant column names; values are parameters
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
EVENT_SQL = (
    f"INSERT INTO core_event ({_EVENT_COLUMNS}) "  # noqa: S608  # nosec B608  # constant column names; values are parameters
    "VALUES (%s, %s, %s, %s, %s, '', %s, %s)"
)
# PostgreSQL: both rows in one statement (one round trip) - the event's subject is the new id.
LOG_AND_EVENT_SQL_POSTGRESQL = (
    f"WITH line AS (INSERT INTO exchange_accesslog ({_LOG_COLUMNS}) "  # noqa: S608  # nosec B608  # constant column names; values are parameters
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s) "
    f"RETURNING id) INSERT INTO core_event ({_EVENT_COLUMNS}) "
    "SELECT %s, %s, line.id::text, %s::jsonb, %s, '', %s, %s FROM line RETURNING subject_id"
)


class _SQLiteWriter:
    """SQLite has one writer at a time. Gateway writes queue for it here — the threads of a
    process on a lock, the processes on an advisory lock file next to the database — instead
    of in SQLite's busy handler, which sleeps in steps of up to 100 ms before trying again.
    Other writers still meet the gateway's in SQLite's own lock."""

    def __init__(self):
        self._threads = threading.Lock()
        self._file: tuple[int, str, int] | None = None  # (pid, database, descriptor)

    def _descriptor(self) -> int | None:
        if fcntl is None:
            return None
        database = str(connection.settings_dict["NAME"])
        pid = os.getpid()  # a descriptor inherited over fork() shares the lock: open our own
        if self._file is None or self._file[:2] != (pid, database):
            if ":memory:" in database or "mode=memory" in database:
                return None
            self._file = (
                pid,
                database,
                os.open(f"{database}.gateway-lock", os.O_RDWR | os.O_CREAT, 0o600),
            )
        return self._file[2]

    def __enter__(self):
        self._threads.acquire()
        try:
            self._held = self._descriptor()
            if self._held is not None:
                fcntl.flock(self._held, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *exc):
        try:
            if self._held is not None:
                fcntl.flock(self._held, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_sqlite_writer = _SQLiteWriter()


def _writing():
    return _sqlite_writer if connection.vendor == "sqlite" else contextlib.nullcontext()


# The two reads of every call, as plain SQL: the ORM's query compilation cost more than the
# indexed reads themselves (bench/exchange.py). Both use unique or covering indexes.
GRANTS_SQL = (
    "SELECT g.id, g.status, g.fields, g.expires_on, g.disclosure_delay_days "
    "FROM exchange_grant g JOIN exchange_resource r ON r.id = g.resource_id "
    "WHERE g.consumer_id = %s AND r.registry_id = %s AND g.status IN ('active', 'revoked')"
)
RECORD_SQL = (
    "SELECT id, uid, registry_id, clear, sealed, version FROM exchange_record "
    "WHERE registry_id = %s AND subject_index = %s"
)
RATE_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM exchange_accesslog "
    "WHERE client_id = %s AND at >= %s LIMIT %s) AS recent"
)
_SEALED = Record._meta.get_field("sealed")


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _grants(client_id: int, registry_id: int) -> list[Grant]:
    """The client's active and revoked grants on the registry (unsaved instances built from
    the row: a raw queryset's machinery cost more than the read)."""
    with connection.cursor() as cursor:
        cursor.execute(GRANTS_SQL, [client_id, registry_id])
        rows = cursor.fetchall()
    return [
        Grant(
            id=grant_id,
            status=status,
            fields=_json(fields),
            expires_on=(
                expires
                if isinstance(expires, datetime.date)
                else datetime.date.fromisoformat(expires)
            ),
            disclosure_delay_days=delay,
        )
        for grant_id, status, fields, expires, delay in rows
    ]


def _record(registry_id: int, index: str) -> Record | None:
    """The subject's record, built from its row like `_grants` (the sealed part decrypted)."""
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, [registry_id, index])
        row = cursor.fetchone()
    if row is None:
        return None
    record_id, uid, registry, clear, sealed, version = row
    record = Record(
        id=record_id,
        uid=uid if isinstance(uid, uuid.UUID) else uuid.UUID(uid),
        registry_id=registry,
        subject_index=index,
        clear=_json(clear),
        sealed=_SEALED.from_db_value(sealed, None, connection),
        version=version,
    )
    record._state.adding, record._state.db = False, connection.alias  # as loaded
    return record


REGISTRY_CACHE_SECONDS = 10
_registries: dict[str, tuple[float, Registry | None]] = {}


def registry_in_service(code: str) -> Registry | None:
    """The registry in service with this code, remembered for 10 seconds per process: it is
    read on every call and changes rarely (a new schema version or an archival reaches every
    web process within that time). Grants and records are always read fresh."""
    now = time.monotonic()
    cached = _registries.get(code)
    if cached and now - cached[0] < REGISTRY_CACHE_SECONDS:
        return cached[1]
    registry = _one(
        Registry.objects.select_related("department").filter(code=code, is_archived=False)
    )
    if len(_registries) > 1000:
        _registries.clear()
    _registries[code] = (now, registry)
    return registry


def forget_registries() -> None:
    """Drop the per-process registry cache (after a schema change in this process, in tests)."""
    _registries.clear()


def _one(queryset):
    """The first row of an unordered query (no ORDER BY: the lookups are unique)."""
    return next(iter(queryset.order_by()[:1]), None)


# Rate limits (ADR 0051). The truth is the access log, shared by every web process: a client's
# lines (allowed and refused) of the last 60 s. Counting them on every call cost a statement
# and a scan of up to `limit` index entries, so each process remembers, per client, the last
# count and how many calls it checked since. It counts again when that estimate comes within
# a tenth of the limit (so every refusal rests on a fresh count), or after RATE_RECOUNT_SECONDS.
# Below nine tenths of the limit the other processes' calls of the last second are unseen: the
# limit can be overshot by at most what they make in that second (on top of the calls in flight).
RATE_RECOUNT_SECONDS = 1.0


@dataclass
class _RateWindow:
    counted: int  # the client's access-log lines of the 60 s before `at`
    at: float  # time.monotonic() of the count
    since: int  # calls this process checked since the count


_rate_windows: dict[int, _RateWindow] = {}
_rate_lock = threading.Lock()


def forget_rate_counts() -> None:
    """Drop the per-process rate-limit counts (tests)."""
    _rate_windows.clear()


def _over_rate_limit(client) -> bool:
    """Whether `client` made its limit of calls in the last 60 seconds (see above)."""
    limit = client.rate_limit_per_minute
    now = time.monotonic()
    with _rate_lock:
        window = _rate_windows.get(client.pk)
        if (
            window is not None
            and now - window.at < RATE_RECOUNT_SECONDS
            and window.counted + window.since < limit - max(1, limit // 10)
        ):
            window.since += 1
            return False
    since = timezone.now() - datetime.timedelta(seconds=60)
    with connection.cursor() as cursor:
        cursor.execute(RATE_SQL, [client.pk, since, limit])
        counted = cursor.fetchone()[0]
    with _rate_lock:
        if len(_rate_windows) > 10_000:
            _rate_windows.clear()
        _rate_windows[client.pk] = _RateWindow(counted, now, 1)
    return counted >= limit


def _clean_subject(kind: str, value) -> str:
    if not isinstance(value, str) or len(value) > 40:
        raise _Refused("malformed_subject")
    try:
        return clean_id_number(value) if kind == "id_number" else clean_credit_code(value)
    except ValidationError:
        raise _Refused("malformed_subject") from None


def _begin(call: _Call, registry_code: str, version: str | None = None) -> None:
    """Checks every call passes before anything is read: caller, rate, purpose, case,
    registry (and its schema version, for GovStack). Raises _Refused."""
    caller = call.caller
    if caller.client is None:
        raise _Refused(caller.problem or "unauthenticated")
    if caller.channel == "govstack" and not caller.mediator_client:
        raise _Refused("missing_mediator_header")
    if _over_rate_limit(caller.client):
        raise _Refused("rate_limited")
    if not call.purpose.strip() or len(call.purpose) > MAX_PURPOSE:
        raise _Refused("missing_purpose")
    if not call.case_reference.strip() or len(call.case_reference) > MAX_CASE:
        raise _Refused("missing_case")
    call.registry = registry_in_service(str(registry_code)[:50])
    if call.registry is None:
        raise _Refused("unknown_registry")
    if version is not None and version not in (
        str(call.registry.schema_version),
        f"{call.registry.schema_version}.0",
    ):
        raise _Refused("unknown_registry")


def _set_subject(call: _Call, identifier) -> str:
    cleaned = _clean_subject(call.registry.subject_kind, identifier)
    call.subject_index = subject_index(call.registry.subject_kind, cleaned)
    call.subject_hash = crypto.blind_index(LEDGER_SUBJECT_PURPOSE, cleaned)
    return cleaned


def _granted_fields(call: _Call, fields: list | None) -> list[str]:
    """The fields this call may return: `fields` when all granted (or every granted field
    when `fields` is None). The registry's own department needs no grant."""
    registry, client = call.registry, call.caller.client
    known = registry.field_names
    if fields is not None and (not fields or any(f not in known for f in fields)):
        raise _Refused("unknown_field")
    if client.department_id == registry.department_id:
        return list(fields) if fields is not None else known
    grants = _grants(client.pk, registry.pk)
    today = timezone.localdate()
    current = [g for g in grants if g.is_current(today)]
    wanted = set(fields) if fields is not None else set()
    covering = [g for g in current if wanted <= set(g.fields)]
    if covering:
        # the widest covering grant, and the one delaying disclosure longest, rules
        call.grant = max(covering, key=lambda g: (g.disclosure_delay_days, len(g.fields)))
        granted = set(call.grant.fields)
        return [f for f in known if f in (wanted or granted)]
    if current:
        raise _Refused("field_not_granted")
    if any(g.status == Grant.Status.ACTIVE for g in grants):
        raise _Refused("grant_expired")
    if grants:
        raise _Refused("grant_revoked")
    raise _Refused("no_grant")


def _refuse(call: _Call, refusal: _Refused):
    raise AccessRefused(refusal.code, call.log(refusal.code)) from None


def log_malformed(*, caller: Caller) -> None:
    """Log and refuse a call whose body could not be read."""
    _refuse(_Call(caller, "", "", []), _Refused("malformed_request"))


def fetch(
    *,
    caller: Caller,
    registry_code: str,
    subject_id: str,
    fields: list[str],
    purpose: str,
    case_reference: str,
) -> Disclosure:
    """Named fields of one subject's record, under a grant, logged. Raises AccessRefused."""
    call = _Call(caller, str(purpose or ""), str(case_reference or ""), list(fields or []))
    try:
        _begin(call, registry_code)
        subject = _set_subject(call, subject_id)
        returned = _granted_fields(call, list(fields or []))
    except _Refused as refusal:
        _refuse(call, refusal)
    if call.registry.source:
        record = sources.find(call.registry, call.subject_index, subject)
    else:
        record = _record(call.registry.pk, call.subject_index)
    if record is None:
        line_id = call.log(AccessLog.NOT_FOUND)
        return Disclosure(call.registry, line_id, None)
    content = record.content()
    values = {name: content.get(name) for name in returned}
    line_id = call.log(AccessLog.ALLOWED, returned=returned)
    return Disclosure(call.registry, line_id, record, values)


def search(
    *,
    caller: Caller,
    registry_code: str,
    query: dict,
    purpose: str,
    case_reference: str,
    limit: int = 1,
    offset: int = 0,
    fields: list[str] | None = None,
    version: str | None = None,
    descending: bool = False,
) -> tuple[list[Disclosure], int]:
    """Records matching `query` (field -> exact value), under a grant, one log line per record
    returned (or one `not_found` line). The subject field is matched through its blind index,
    clear fields in the database; encrypted fields cannot be searched. Queried fields must be
    granted too: a match reveals their value. Returns the page and the total count."""
    call = _Call(caller, str(purpose or ""), str(case_reference or ""), list(fields or []))
    try:
        _begin(call, registry_code, version)
        registry = call.registry
        granted = _granted_fields(call, fields)
        call.fields_requested = list(fields or granted)
        if not isinstance(query, dict):
            raise _Refused("unknown_field")
        records = Record.objects.filter(registry=registry)
        for name, value in query.items():
            if name not in registry.field_names:
                raise _Refused("unknown_field")
            if name not in granted:
                raise _Refused("field_not_granted")
            if name == registry.subject_field:
                subject = _set_subject(call, value)
                records = records.filter(subject_index=call.subject_index)
            elif name in registry.sensitive_fields or registry.source:
                raise _Refused("field_not_searchable")  # a source finds by subject only
            else:
                records = records.filter(**{f"clear__{name}": value})
        if registry.source and registry.subject_field not in query:
            raise _Refused("field_not_searchable")
    except _Refused as refusal:
        _refuse(call, refusal)
    if registry.source:
        found = sources.find(registry, call.subject_index, subject)
        total = int(found is not None)
        page = [found] if found is not None and offset == 0 and limit > 0 else []
    else:
        total = records.count()
        page = list(records.order_by("-id" if descending else "id")[offset : offset + limit])
    if not page:
        line_id = call.log(AccessLog.NOT_FOUND)
        return [Disclosure(registry, line_id, None)], total
    disclosures = []
    for record in page:
        content = record.content()
        call.subject_hash = crypto.blind_index(
            LEDGER_SUBJECT_PURPOSE, content[registry.subject_field]
        )
        if not registry.source:
            call.subject_index = record.subject_index
        line_id = call.log(AccessLog.ALLOWED, returned=granted)
        values = {name: content.get(name) for name in granted}
        disclosures.append(Disclosure(registry, line_id, record, values))
    return disclosures, total


def fetch_by_record_id(
    *,
    caller: Caller,
    registry_code: str,
    record_uid: str,
    field_name: str,
    purpose: str,
    case_reference: str,
    version: str | None = None,
) -> Disclosure:
    """One field of one record found by its record id (GovStack readValue)."""
    call = _Call(caller, str(purpose or ""), str(case_reference or ""), [field_name])
    try:
        _begin(call, registry_code, version)
        returned = _granted_fields(call, [field_name])
        try:
            uid = uuid.UUID(str(record_uid))
        except ValueError:
            raise _Refused("malformed_subject") from None
    except _Refused as refusal:
        _refuse(call, refusal)
    # a source finds records by their subject only: none by record id here
    record = (
        None
        if call.registry.source
        else _one(Record.objects.filter(registry=call.registry, uid=uid))
    )
    if record is None:
        line_id = call.log(AccessLog.NOT_FOUND)
        return Disclosure(call.registry, line_id, None)
    content = record.content()
    call.subject_index = record.subject_index
    call.subject_hash = crypto.blind_index(
        LEDGER_SUBJECT_PURPOSE, content[call.registry.subject_field]
    )
    line_id = call.log(AccessLog.ALLOWED, returned=returned)
    return Disclosure(call.registry, line_id, record, {n: content.get(n) for n in returned})


def fetch_for_case(
    *,
    client,
    registry_code: str,
    subject_id: str,
    fields: list[str],
    purpose: str,
    case_reference: str,
) -> Disclosure:
    """Once only (免提交): what intake calls to fill a material from a registry instead of
    asking the applicant. `client` is the handling department's system
    (`selectors.department_client`), `purpose` the matter, `case_reference` the application
    number. Call it outside any transaction; show the applicant `values` with their source
    (`registry.name`, `registry.department`) and offer `services.dispute_value`."""
    return fetch(
        caller=Caller(client, "internal"),
        registry_code=registry_code,
        subject_id=subject_id,
        fields=fields,
        purpose=purpose,
        case_reference=case_reference,
    )
