"""Reads of the ledger: entries, checkpoints, proofs, receipts. Proofs cost one query."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core import crypto
from tongban.core.models import Event
from tongban.core.receipts import Receipt
from tongban.ledger import merkle, tree
from tongban.ledger.keys import published_keys
from tongban.ledger.leaves import Redactor
from tongban.ledger.models import Checkpoint, Entry, Log, Node
from tongban.ledger.notes import NoteError, TreeHead, open_note, parse_checkpoint


class ProofRequestInvalid(ValueError):
    """A proof was asked for sizes or indexes the published log cannot answer."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def current_log() -> Log | None:
    return Log.objects.filter(pk=1).first()


def hasher_of(log: Log | None) -> merkle.Hasher:
    """The log's hash function; before the first entry, the one it will get."""
    return merkle.hasher_for(log.hash_suite if log else settings.TONGBAN_CRYPTO_SUITE)


def redactor_of(log: Log) -> Redactor:
    """Keyed hashes for identifiers found in leaves: the index key with the log's hash."""
    key = crypto.b64decode(settings.TONGBAN_INDEX_KEY)
    keyed = crypto.suite(log.hash_suite).keyed_hash
    return Redactor(lambda data: keyed(key, data))


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()


def published_size() -> int:
    """The size of the latest signed tree: what proofs may refer to."""
    size = Checkpoint.objects.order_by("-id").values_list("tree_size", flat=True).first()
    return size or 0


def published_tree() -> tuple[int, merkle.Hasher]:
    """The latest signed size and the log's hasher, in one round trip (every proof needs both)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT {quote('tree_size')} FROM {quote(Checkpoint._meta.db_table)} "  # noqa: S608  # nosec B608  # names from model metadata
            f"ORDER BY {quote('id')} DESC LIMIT 1), (SELECT {quote('hash_suite')} FROM "
            f"{quote(Log._meta.db_table)} WHERE {quote('id')} = 1)"
        )
        size, hash_suite = cursor.fetchone()
    return size or 0, merkle.hasher_for(hash_suite or settings.TONGBAN_CRYPTO_SUITE)


def checkpoints(*, before_size: int | None = None, limit: int = 20) -> list[Checkpoint]:
    """Signed checkpoints, newest first; `before_size` pages back to smaller trees."""
    found = Checkpoint.objects.order_by("-id")
    if before_size is not None:
        found = found.filter(tree_size__lt=before_size)
    return list(found[:limit])


def entry_at(index: int) -> Entry | None:
    return Entry.objects.filter(index=index).first()


def unsealed_count() -> int:
    """Outbox events not in the log yet (every entry seals exactly one event)."""
    return Event.objects.count() - Entry.objects.count()


def last_sealed() -> tuple[int, int, int | None] | None:
    """(index, event id, event's transaction id) of the newest entry, or None."""
    return Entry.objects.order_by("-index").values_list("index", "event_id", "event__txid").first()


def _hash_queries(leaf_indexes: list[int], node_slots: list[int]) -> tuple[list[str], list]:
    """SELECT kind, key, hash of the stored leaf hashes (kind 0) and node hashes (kind 1)
    asked for. PostgreSQL gets one array parameter per table (`= ANY`), so the statement's
    text is the same for every proof; SQLite gets one parameter per key. The array goes as
    one text literal: psycopg's client-side binding would quote it element by element, which
    cost a sixth of a proof's time (bench/ledger.py)."""
    quote = connection.ops.quote_name
    parts, params = [], []
    sources = ((Entry, "index", "leaf_hash", leaf_indexes), (Node, "slot", "hash", node_slots))
    for kind, (model, key, value, wanted) in enumerate(sources):
        if not wanted:
            continue
        if connection.vendor == "postgresql":
            condition = f"{quote(key)} = ANY(%s::bigint[])"
            params.append("{" + ",".join(map(str, wanted)) + "}")
        else:
            condition = f"{quote(key)} IN ({','.join(['%s'] * len(wanted))})"
            params += wanted
        # Names come from the models' metadata; values are parameters.
        parts.append(
            f"SELECT {kind}, {quote(key)}, {quote(value)} FROM "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
            f"{quote(model._meta.db_table)} WHERE {condition}"
        )
    return parts, params


def _read_hashes(sql: str, params: list) -> list[dict]:
    """Rows (kind, key, value) by kind: 0 leaf hashes, 1 node hashes, 2 and 3 the proof
    query's extra rows, whose answer is in `key`."""
    found: list[dict] = [{}, {}, {}, {}]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, value in cursor.fetchall():
            found[kind][key] = bytes(value) if value is not None else None
    return found


def fetch_hashes(
    leaf_indexes: list[int], node_slots: list[int]
) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Stored leaf hashes and node hashes, in one round trip."""
    parts, params = _hash_queries(leaf_indexes, node_slots)
    if not parts:
        return {}, {}
    leaves, nodes, *_rest = _read_hashes(" UNION ALL ".join(parts), params)
    return leaves, nodes


# A slot is `end * 64 + level` in a signed 64-bit key, so no stored hash belongs to a larger
# tree; a request for one is refused after reading the signed size alone.
LARGEST_FETCHABLE_SIZE = (1 << 57) - 1


def _too_large(field: str, message: str, published: int) -> ProofRequestInvalid:
    return ProofRequestInvalid(field, message % {"size": published})


def _proof_hashes(
    ranges: list[tuple[int, int]], size: int, too_large: tuple[str, str]
) -> list[bytes]:
    """The hashes of `ranges` in the tree of `size` leaves, in ONE round trip: the stored
    hashes, the latest signed size (row kind 2) and the log's hash suite (kind 3, as its
    position in Log.HashSuite) come from the same statement, and `size` is checked against
    that signed size before any hash is combined: (field, message) of the refusal if not."""
    plan = tree.Plan.for_ranges(ranges)
    quote = connection.ops.quote_name
    suites = list(Log.HashSuite.values)
    cases = " ".join(f"WHEN %s THEN {position}" for position in range(len(suites)))
    parts, params = _hash_queries(plan.leaf_indexes, plan.node_slots)
    # The hashes come first: PostgreSQL types the union's columns from the left, and the
    # extra rows' NULL hash must meet bytea before it meets another NULL.
    parts += [  # names from the models' metadata, values as parameters
        f"SELECT 2, (SELECT {quote('tree_size')} FROM {quote(Checkpoint._meta.db_table)} "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
        f"ORDER BY {quote('id')} DESC LIMIT 1), NULL",
        f"SELECT 3, CASE {quote('hash_suite')} {cases} END, NULL FROM "  # noqa: S608  # nosec B608  # names from model metadata; values are parameters
        f"{quote(Log._meta.db_table)} WHERE {quote('id')} = 1",
    ]
    leaves, nodes, sizes, hash_suites = _read_hashes(" UNION ALL ".join(parts), params + suites)
    published = next(iter(sizes), None) or 0
    if size > published:
        raise _too_large(*too_large, published)
    position = next(iter(hash_suites), None)
    hasher = merkle.hasher_for(
        suites[position] if position is not None else settings.TONGBAN_CRYPTO_SUITE
    )
    return plan.range_hashes(hasher, leaves, nodes)


def inclusion_proof(*, index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
    """The leaf hash at `index` and its audit path in the tree of `tree_size` leaves."""
    size_error = (
        "tree_size",
        _("The tree size must be between 1 and %(size)s, the latest signed size."),
    )
    if 1 <= tree_size <= LARGEST_FETCHABLE_SIZE and 0 <= index < tree_size:
        ranges = [(index, index + 1), *merkle.inclusion_ranges(index, tree_size)]
        hashes = _proof_hashes(ranges, tree_size, size_error)
        return hashes[0], hashes[1:]
    # A refusal: which one, in the order the API documents, needs the signed size first.
    published, _hasher = published_tree()
    if not 1 <= tree_size <= published:
        raise _too_large(*size_error, published)
    raise ProofRequestInvalid(
        "index", _("The index must be below the tree size (%(size)s).") % {"size": tree_size}
    )


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """The proof that the tree of `first` leaves is a prefix of the tree of `second`."""
    size_error = (
        "second",
        _("The second size must be between 1 and %(size)s, the latest signed size."),
    )
    if 1 <= first <= second <= LARGEST_FETCHABLE_SIZE:
        return _proof_hashes(merkle.consistency_ranges(first, second), second, size_error)
    published, _hasher = published_tree()
    if not 1 <= second <= published:
        raise _too_large(*size_error, published)
    raise ProofRequestInvalid(
        "first",
        _("The first size must be between 1 and the second size (%(size)s).") % {"size": second},
    )


def receipts_for(event_ids: list[int]) -> dict[int, Receipt]:
    """The ledger's answer to `tongban.core.receipts`: sealed events' indexes and pages."""
    found = Entry.objects.filter(event_id__in=event_ids).values_list("event_id", "index")
    return {
        event_id: Receipt(index, reverse("ledger:verify", args=[index]))
        for event_id, index in found
    }


@dataclass(frozen=True)
class Verification:
    """What the verify page shows: an entry, the signed checkpoint it was checked against,
    the recomputed proof, and the outcome of each check."""

    entry: Entry
    checkpoint: Checkpoint
    head: TreeHead | None
    hash_name: str
    leaf_hash: bytes
    signed_by: list[str]
    proof: list[bytes]
    included: bool

    @property
    def signature_valid(self) -> bool:
        return self.head is not None

    @property
    def verified(self) -> bool:
        return self.signature_valid and self.included


def verification_of(index: int) -> Verification | None:
    """Recompute, on the server, the proof that entry `index` is in the latest signed tree.

    The leaf hash is recomputed from the leaf shown, the checkpoint's signature is checked
    with the published keys, and the inclusion proof is verified against the signed root with
    the same function an independent client uses. None while the entry is not sealed."""
    checkpoint = latest_checkpoint()
    entry = entry_at(index)
    log = current_log()
    if entry is None or checkpoint is None or log is None or index >= checkpoint.tree_size:
        return None
    hasher = hasher_of(log)
    leaf_hash = hasher.leaf(entry.leaf.encode())
    head, signed_by = None, []
    try:
        text, keys = open_note(checkpoint.note, published_keys(log.origin))
        signed = parse_checkpoint(text)
        if (signed.origin, signed.size) == (log.origin, checkpoint.tree_size):
            head, signed_by = signed, [f"{key.algorithm} {key.key_id.hex()}" for key in keys]
    except NoteError:
        pass
    proof: list[bytes] = []
    included = False
    try:
        _stored, proof = inclusion_proof(index=index, tree_size=checkpoint.tree_size)
        if head is not None:
            merkle.verify_inclusion(hasher, index, head.size, leaf_hash, proof, head.root_hash)
            included = True
    except (merkle.ProofError, tree.MissingHash):
        included = False
    return Verification(
        entry=entry,
        checkpoint=checkpoint,
        head=head,
        hash_name=log.get_hash_suite_display(),
        leaf_hash=leaf_hash,
        signed_by=signed_by,
        proof=proof,
        included=included,
    )
