"""How the log's tree is stored, so that any proof costs one small query at any size.

Leaf hashes live in the entries; of the hashes above them, only complete subtrees whose level
is a multiple of `STRIDE` are stored (levels 4, 8, 12, ...: one row per 16 leaves, one per 256,
...). Any other complete subtree is at most 2**(STRIDE-1) = 8 stored hashes away, so an
inclusion or consistency proof at a million entries reads about 60 hashes in one query and
hashes about 50 pairs. This is C2SP tlog-tiles' layout with tiles of height 4, stored per hash:
storing every level would add a row per leaf and halve the sealing rate (docs/decisions/0030).

A stored subtree's row key, its `slot`, is `end * 64 + level` where `end` is the number of
leaves the tree had when the subtree became complete: slots grow in the order nodes are made,
so inserts append to the index and an audit can stream nodes in the order it recomputes them."""

from collections.abc import Callable, Iterable

from tongban.ledger.merkle import Hasher, Subtree, complete_subtrees, fold

STRIDE = 4
LEVEL_BITS = 6  # levels < 64


def slot(level: int, index: int) -> int:
    """The stored row key of the complete subtree (level, index)."""
    return (((index + 1) << level) << LEVEL_BITS) | level


def is_stored_level(level: int) -> bool:
    return level > 0 and level % STRIDE == 0


def stored_parts(subtree: Subtree) -> tuple[int, range]:
    """The stored hashes a complete subtree is made of: (their level, their indexes)."""
    level, index = subtree
    base = level - level % STRIDE
    span = level - base
    return base, range(index << span, (index + 1) << span)


# `fetch(leaf_indexes, node_slots)` returns the stored leaf hashes and node hashes asked for.
Fetch = Callable[[list[int], list[int]], tuple[dict[int, bytes], dict[int, bytes]]]


class MissingHash(LookupError):
    """A hash the tree needs is not stored: the log was tampered with or is being repaired."""


class Plan:
    """Which stored hashes a set of complete subtrees (or of proof ranges) is made of, so that
    they can be fetched together with anything else a caller needs in the same round trip."""

    def __init__(self, subtrees: Iterable[Subtree], groups: list[list[Subtree]] | None = None):
        self.groups = groups
        self.parts: dict[Subtree, tuple[int, range]] = {}
        leaf_indexes: set[int] = set()
        node_slots: set[int] = set()
        for subtree in set(subtrees):
            base, indexes = self.parts[subtree] = stored_parts(subtree)
            if base == 0:
                leaf_indexes.update(indexes)
            else:
                node_slots.update(slot(base, i) for i in indexes)
        self.leaf_indexes = sorted(leaf_indexes)
        self.node_slots = sorted(node_slots)

    @classmethod
    def for_ranges(cls, ranges: list[tuple[int, int]]) -> "Plan":
        """The plan for leaf ranges as proofs name them."""
        groups = [complete_subtrees(start, end) for start, end in ranges]
        return cls((piece for group in groups for piece in group), groups)

    def subtree_hashes(
        self, hasher: Hasher, leaves: dict[int, bytes], nodes: dict[int, bytes]
    ) -> dict[Subtree, bytes]:
        """Each planned subtree's hash from the stored hashes fetched for the plan."""
        result = {}
        for subtree, (base, indexes) in self.parts.items():
            try:
                layer = [leaves[i] if base == 0 else nodes[slot(base, i)] for i in indexes]
            except KeyError:
                raise MissingHash(f"a stored hash under subtree {subtree} is missing") from None
            while len(layer) > 1:
                layer = [hasher.children(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
            result[subtree] = layer[0]
        return result

    def range_hashes(
        self, hasher: Hasher, leaves: dict[int, bytes], nodes: dict[int, bytes]
    ) -> list[bytes]:
        """The hash of each planned range (`for_ranges`), in order."""
        known = self.subtree_hashes(hasher, leaves, nodes)
        return [fold(hasher, [known[p] for p in group]) for group in self.groups or []]


def subtree_hashes(hasher: Hasher, subtrees: Iterable[Subtree], fetch: Fetch) -> dict:
    """The hashes of the given complete subtrees, from one `fetch` of stored hashes."""
    plan = Plan(subtrees)
    return plan.subtree_hashes(hasher, *fetch(plan.leaf_indexes, plan.node_slots))


def range_hashes(hasher: Hasher, ranges: list[tuple[int, int]], fetch: Fetch) -> list[bytes]:
    """The hashes of leaf ranges (as proofs name them), from one `fetch`."""
    plan = Plan.for_ranges(ranges)
    return plan.range_hashes(hasher, *fetch(plan.leaf_indexes, plan.node_slots))


class Frontier:
    """The tree's right edge (a compact range): the complete subtrees of [0, size), largest
    first. Appending a leaf merges equal neighbours and yields the stored nodes it completes."""

    def __init__(self, hasher: Hasher, size: int, edge: list[tuple[int, bytes]]):
        self.hasher = hasher
        self.size = size
        self.edge = edge  # (level, hash), levels strictly decreasing

    @classmethod
    def load(cls, hasher: Hasher, size: int, fetch: Fetch) -> "Frontier":
        subtrees = complete_subtrees(0, size)
        known = subtree_hashes(hasher, subtrees, fetch) if subtrees else {}
        return cls(hasher, size, [(level, known[(level, index)]) for level, index in subtrees])

    def copy(self) -> "Frontier":
        return Frontier(self.hasher, self.size, list(self.edge))

    def append(self, leaf_hash: bytes) -> list[tuple[int, bytes]]:
        """Add one leaf; returns the (slot, hash) of every stored subtree it completes.

        Sealing calls this once per entry, so it is written for speed: a subtree of level L
        completed by leaf number `size` ends at `size`, so its slot is `size * 64 + L`."""
        size = self.size = self.size + 1
        edge = self.edge
        level, value = 0, leaf_hash
        made = []
        if edge and edge[-1][0] == 0:
            children = self.hasher.children
            while edge and edge[-1][0] == level:
                value = children(edge.pop()[1], value)
                level += 1
                if not level % STRIDE:
                    made.append(((size << LEVEL_BITS) | level, value))
        edge.append((level, value))
        return made

    def root(self) -> bytes:
        if not self.edge:
            return self.hasher.empty_root()
        return fold(self.hasher, [value for _level, value in self.edge])
