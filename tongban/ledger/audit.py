"""`tongban ledger audit`: recompute the whole log from its stored leaves and compare.

Trusts nothing stored but the leaves' text and the signed checkpoints: every leaf hash, every
stored subtree hash and the root at every checkpoint size are recomputed from the leaves, each
checkpoint's signature is checked with the configured keys, and each leaf is compared with the
outbox event it seals. So it finds an altered leaf, an altered node hash, a missing entry
(including the last one), an altered outbox event and a forged checkpoint row. Removing the
latest checkpoints as well as the entries they cover is the one change it cannot see alone;
anyone who kept one of those checkpoints sees it (`tongban ledger verify --state`)."""

from dataclasses import dataclass, field

from django.db import connection

from tongban.core.models import Event
from tongban.ledger import append_only, selectors
from tongban.ledger.keys import published_keys
from tongban.ledger.leaves import EVENT_FIELDS, encode_leaf
from tongban.ledger.models import Checkpoint, Entry, Node
from tongban.ledger.notes import NoteError, open_note, parse_checkpoint
from tongban.ledger.tree import LEVEL_BITS, Frontier

CHUNK = 5000


@dataclass
class AuditReport:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    tree_size: int = 0
    problems: list[str] = field(default_factory=list)
    limit: int = 100

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(text)


def audit_ledger() -> AuditReport:
    """Recompute and compare everything; the report lists what does not match."""
    report = AuditReport()
    if not append_only.installed(connection):
        report.problem("the append-only triggers are missing")
    log = selectors.current_log()
    checkpoints = list(Checkpoint.objects.order_by("id"))
    report.checkpoints = len(checkpoints)
    if log is None:
        if checkpoints or Entry.objects.exists():
            report.problem("entries or checkpoints exist but the log's identity is missing")
        return report
    roots_by_size = _signed_roots(log, checkpoints, report)
    report.tree_size = max(roots_by_size, default=0)
    hasher = selectors.hasher_of(log)
    redactor = selectors.redactor_of(log)
    frontier = Frontier(hasher, 0, [])
    start = 0
    while True:
        rows = list(
            Entry.objects.filter(index__gte=start, index__lt=start + CHUNK)
            .order_by("index")
            .values_list("index", "event_id", "leaf", "leaf_hash")
        )
        stored_nodes = dict(
            Node.objects.filter(
                slot__gte=(start + 1) << LEVEL_BITS, slot__lt=(start + CHUNK + 1) << LEVEL_BITS
            ).values_list("slot", "hash")
        )
        if not rows and not stored_nodes:
            break
        events = {
            event["id"]: event
            for event in Event.objects.filter(id__in=[row[1] for row in rows]).values(*EVENT_FIELDS)
        }
        for index, event_id, leaf, leaf_hash in rows:
            if index != frontier.size:
                report.problem(f"entry {frontier.size} is missing")
                return _finish(report, frontier, roots_by_size, stopped=True)
            leaf_bytes = leaf.encode()
            recomputed = hasher.leaf(leaf_bytes)
            if bytes(leaf_hash) != recomputed:
                report.problem(f"entry {index}: the leaf does not match its stored leaf hash")
            event = events.get(event_id)
            if event is None:
                report.problem(f"entry {index}: outbox event {event_id} is missing")
            elif encode_leaf(event, redactor) != leaf_bytes:
                report.problem(f"entry {index}: outbox event {event_id} differs from the leaf")
            for slot, value in frontier.append(recomputed):
                stored = stored_nodes.pop(slot, None)
                if stored is None:
                    report.problem(f"tree node {slot} is missing")
                elif bytes(stored) != value:
                    report.problem(f"tree node {slot} holds a wrong hash")
                report.nodes += 1
            expected_root = roots_by_size.get(frontier.size)
            if expected_root is not None and frontier.root() != expected_root:
                report.problem(
                    f"the recomputed root at size {frontier.size} differs from its checkpoint"
                )
        for slot in sorted(stored_nodes):
            report.problem(f"tree node {slot} should not exist")
        start += CHUNK
    return _finish(report, frontier, roots_by_size, stopped=False)


def _finish(
    report: AuditReport, frontier: Frontier, roots_by_size: dict, *, stopped: bool
) -> AuditReport:
    report.entries = frontier.size
    beyond = sorted(size for size in roots_by_size if size > frontier.size)
    if beyond and not stopped:
        report.problem(
            f"a checkpoint covers {beyond[-1]} entries but the log holds {frontier.size}: "
            "entries were removed"
        )
    return report


def _signed_roots(log, checkpoints: list[Checkpoint], report: AuditReport) -> dict[int, bytes]:
    """The root each checkpoint signs, by tree size, after checking every signature."""
    keys = published_keys(log.origin)
    roots: dict[int, bytes] = {}
    for checkpoint in checkpoints:
        try:
            text, _signers = open_note(checkpoint.note, keys)
            head = parse_checkpoint(text)
        except NoteError as error:
            report.problem(f"checkpoint {checkpoint.id}: {error}")
            continue
        if (head.origin, head.size, head.root_hash) != (
            log.origin,
            checkpoint.tree_size,
            bytes(checkpoint.root_hash),
        ):
            report.problem(f"checkpoint {checkpoint.id}: its row differs from its signed note")
        if roots.setdefault(head.size, head.root_hash) != head.root_hash:
            report.problem(f"two checkpoints of size {head.size} sign different roots")
    return roots
