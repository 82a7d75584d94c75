"""Writes to the ledger: sealing outbox events into the log, and signing checkpoints.

Sealing is the task worker's job (`tasks.seal_ledger`, every 10 seconds), not a person's: it
takes no actor, needs no permission and records no domain event (an event about sealing would
itself need sealing, for ever). Each batch is one transaction — entries, tree nodes and the
signed checkpoint commit together or not at all, so a worker that dies mid-batch leaves
nothing behind and the next run seals the same events once."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from tongban.core.models import Event
from tongban.ledger import keys, selectors
from tongban.ledger.leaves import EVENT_FIELDS, encode_row
from tongban.ledger.models import Checkpoint, Entry, Log, Node
from tongban.ledger.notes import TreeHead, sign_note
from tongban.ledger.tree import Frontier

BATCH_SIZE = 1000
# One sealer at a time on PostgreSQL (SQLite's BEGIN IMMEDIATE serializes writers already).
SEALING_LOCK = 0x74_62_6C_65_64_67  # "tbledg"


@dataclass
class SealResult:
    sealed: int = 0
    batches: int = 0
    tree_size: int = 0


def seal_pending_events(
    *, batch_size: int = BATCH_SIZE, time_budget: float | None = None
) -> SealResult:
    """Seal every committed event that is not in the log yet, batch after batch, each with
    its own signed checkpoint. Stops when the outbox is drained (a batch came out short) or
    `time_budget` (seconds) is spent; the next run continues where this one stopped."""
    started = time.monotonic()
    result = SealResult()
    sealer = _Sealer()
    while True:
        sealed, result.tree_size = sealer.seal_batch(batch_size)
        if not sealed:
            return result
        result.sealed += sealed
        result.batches += 1
        if sealed < batch_size:
            return result
        if time_budget is not None and time.monotonic() - started > time_budget:
            return result


def seal_batch(*, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """Append up to `batch_size` events in commit order and sign a checkpoint.

    Returns (events sealed, tree size). Exactly once: the next events are those after the
    last sealed one in commit order; sealers take turns (an advisory lock on PostgreSQL,
    the write lock on SQLite); and a unique key on the event refuses a second entry anyway."""
    return _Sealer().seal_batch(batch_size)


class _Sealer:
    """Seals batch after batch. What stays true between its batches is kept, not read again:
    the log's identity, and the tree's right edge as this sealer left it, used again only if
    the log still ends where this sealer's last batch ended."""

    def __init__(self):
        self.log: Log | None = None
        self.frontier: Frontier | None = None

    @transaction.atomic
    def seal_batch(self, batch_size: int) -> tuple[int, int]:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALING_LOCK])
        log = self.log or _the_log()
        last = _last_sealed()
        size = last[0] + 1 if last else 0
        events = _next_events(last, batch_size)
        if not events:
            return 0, size
        hasher = selectors.hasher_of(log)
        redactor = selectors.redactor_of(log)
        if self.frontier is not None and self.frontier.size == size:
            frontier = self.frontier.copy()
        else:
            frontier = Frontier.load(hasher, size, selectors.fetch_hashes)
        sealed_at = connection.ops.adapt_datetimefield_value(timezone.now())
        entries, nodes = [], []
        leaf_hash_of, append = hasher.leaf, frontier.append
        for row in events:
            leaf = encode_row(row, redactor)
            leaf_hash = leaf_hash_of(leaf)
            entries.append((frontier.size, row[0], leaf.decode(), leaf_hash, sealed_at))
            made = append(leaf_hash)
            if made:
                nodes += made
        _insert(Entry, ("index", "event_id", "leaf", "leaf_hash", "sealed_at"), entries)
        _insert(Node, ("slot", "hash"), nodes)
        sign_checkpoint(log=log, size=frontier.size, root_hash=frontier.root())
        # Kept for the next batch only once this one has committed.
        transaction.on_commit(lambda: self._keep(log, frontier))
        return len(events), frontier.size

    def _keep(self, log: Log, frontier: Frontier) -> None:
        self.log, self.frontier = log, frontier


def sign_checkpoint(*, log: Log, size: int, root_hash: bytes) -> Checkpoint:
    """Sign and store the checkpoint of the tree of `size` leaves with the current keys."""
    head = TreeHead(log.origin, size, root_hash)
    note = sign_note(head.text, keys.signing_signers(log.origin))
    return Checkpoint.objects.create(
        tree_size=size, root_hash=root_hash, note=note, signed_at=timezone.now()
    )


@transaction.atomic
def resign_latest_checkpoint() -> Checkpoint | None:
    """Sign the current tree again with the current keys (after a key rotation, so the
    latest checkpoint carries the new key before the next event arrives)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALING_LOCK])
    latest = selectors.latest_checkpoint()
    log = selectors.current_log()
    if latest is None or log is None:
        return None
    return sign_checkpoint(log=log, size=latest.tree_size, root_hash=bytes(latest.root_hash))


def _the_log() -> Log:
    """The log's identity, created with the first batch from the settings of that moment."""
    log = selectors.current_log()
    if log is None:
        return Log.objects.create(
            origin=settings.TONGBAN_LEDGER_ORIGIN,
            hash_suite=settings.TONGBAN_CRYPTO_SUITE,
            created_at=timezone.now(),
        )
    if log.origin != settings.TONGBAN_LEDGER_ORIGIN:
        raise ImproperlyConfigured(
            f"TONGBAN_LEDGER_ORIGIN is {settings.TONGBAN_LEDGER_ORIGIN!r} but the ledger's "
            f"origin is {log.origin!r}; a log keeps its origin for life"
        )
    return log


def _last_sealed() -> tuple[int, int, int | None] | None:
    """`selectors.last_sealed()` in plain SQL: once per batch, where the ORM's own work
    would cost more than the query."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(  # names from the models' metadata
            f"SELECT e.{quote('index')}, e.{quote('event_id')}, o.{quote('txid')} "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
            f"FROM {quote(Entry._meta.db_table)} e JOIN {quote(Event._meta.db_table)} o "
            f"ON o.{quote('id')} = e.{quote('event_id')} ORDER BY e.{quote('index')} DESC LIMIT 1"
        )
        return cursor.fetchone()


def _next_events(last: tuple[int, int, int | None] | None, limit: int) -> list[tuple]:
    """The next committed events in commit order, such that no event can ever appear before
    them later (docs/decisions/0031).

    SQLite has one writer at a time, so ids are allocated in commit order: every event after
    the last sealed id. On PostgreSQL a later id can commit first; events are taken in order
    of their writing transaction's id, and only below `sealing_horizon()`: every transaction
    below it has finished, so nothing earlier in that order can still commit.

    Rows are `EVENT_FIELDS` with the time and the payload as text, read in plain SQL: the
    ORM's per-row converters would cost as much as everything else sealing does
    (bench/ledger.py); `leaves.encode_row` reads them as they come."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        _time_as_text() if field == "occurred_at" else quote(field) for field in EVENT_FIELDS
    )
    table = quote(Event._meta.db_table)
    event_id, txid = quote("id"), quote("txid")
    if connection.vendor == "postgresql":
        conditions, params = [f"{txid} < %s"], [sealing_horizon()]
        if last:
            _index, last_id, last_txid = last
            conditions.append(f"({txid} > %s OR ({txid} = %s AND {event_id} > %s))")
            params += [last_txid, last_txid, last_id]
        order = f"{txid}, {event_id}"
    else:
        conditions, params = ([f"{event_id} > %s"], [last[1]]) if last else (["1 = 1"], [])
        order = event_id
    with connection.cursor() as cursor:
        cursor.execute(  # names from the models' metadata, values as parameters
            f"SELECT {columns} FROM {table} WHERE {' AND '.join(conditions)} "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
            f"ORDER BY {order} LIMIT %s",
            [*params, limit],
        )
        return cursor.fetchall()


def _time_as_text() -> str:
    """`occurred_at` read as text, so that no datetime is made per row: on PostgreSQL already
    as the leaf writes it, on SQLite as stored (UTC; `leaves.leaf_time` copies it over)."""
    column = connection.ops.quote_name("occurred_at")
    if connection.vendor == "postgresql":
        return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    return (  # "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS.ffffffZ"; other shapes as stored
        f"CASE WHEN length({column}) = 26 THEN substr({column}, 1, 10) || 'T' || "
        f"substr({column}, 12) || 'Z' ELSE CAST({column} AS text) END"
    )


XID_WRAP = 1 << 32


def sealing_horizon() -> int:
    """PostgreSQL: the oldest transaction id that may still add an event to this database's
    outbox; every transaction below it has committed or rolled back.

    1. The snapshot's xmax: every transaction id below it was handed out before this moment.
    2. Of those, the ones still running here are in pg_stat_activity (`backend_xid`, visible
       to any role) or, once prepared, in pg_prepared_xacts — read in that order, so one that
       moves from running to prepared in between is seen in one of them. A transaction that
       ended before the read is visible to the next statement.
    Transactions in other databases of the same server cannot write here and do not hold
    sealing back (the snapshot's xmin would: it spans the whole server). The 32-bit ids of
    those views are widened against the next transaction id read afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        (handed_out,) = cursor.fetchone()
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh activity, not this txn's copy
        cursor.execute(
            "SELECT backend_xid::text::bigint FROM pg_stat_activity WHERE datname = "
            "current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid() "
            "UNION ALL SELECT transaction::text::bigint FROM pg_prepared_xacts "
            "WHERE database = current_database()"
        )
        running = [xid for (xid,) in cursor.fetchall()]
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        (next_xid,) = cursor.fetchone()
    epoch = next_xid - next_xid % XID_WRAP
    widened = [epoch + xid if epoch + xid < next_xid else epoch + xid - XID_WRAP for xid in running]
    return min([handed_out, *widened])


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A plain batched INSERT (executemany): the ORM's per-object work would halve the rate."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (  # names from the model's metadata, values as parameters
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
