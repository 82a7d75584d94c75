"""The project's own tree and proofs, for every tree size from 1 to 300, checked against a
naive implementation of the RFC's definitions and with the project's verifiers."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ledger import reference
from tongban.ledger import merkle, tree

SIZES = range(1, 301)
SHA256 = merkle.hasher_for("intl")
LEAVES = [reference.leaf_hash(f"leaf {i}".encode()) for i in range(max(SIZES))]
RFC = reference.ReferenceTree(LEAVES)
reference_root = RFC.root


class MemoryStore:
    """The storage layout (leaf hashes + nodes at stored levels) kept in dictionaries, filled
    by the same `Frontier` the sealing uses."""

    def __init__(self):
        self.frontier = tree.Frontier(SHA256, 0, [])
        self.leaves: dict[int, bytes] = {}
        self.nodes: dict[int, bytes] = {}

    def append(self, leaf_hash: bytes) -> None:
        self.leaves[self.frontier.size] = leaf_hash
        for slot, value in self.frontier.append(leaf_hash):
            assert slot not in self.nodes
            self.nodes[slot] = value

    def fetch(self, leaf_indexes, node_slots):
        return (
            {i: self.leaves[i] for i in leaf_indexes if i in self.leaves},
            {s: self.nodes[s] for s in node_slots if s in self.nodes},
        )


@pytest.fixture(scope="module")
def store():
    """One store grown leaf by leaf; roots are checked at every size on the way."""
    grown = MemoryStore()
    roots = {}
    for leaf in LEAVES:
        grown.append(leaf)
        roots[grown.frontier.size] = grown.frontier.root()
    grown.roots = roots
    return grown


def test_the_empty_tree_hashes_the_empty_string():
    assert tree.Frontier(SHA256, 0, []).root() == RFC.root(0)


def test_roots_at_every_size_match_the_rfc_definition(store):
    for size in SIZES:
        assert store.roots[size] == reference_root(size), size


def test_a_frontier_reloaded_from_storage_continues_the_same_tree(store):
    for size in SIZES:
        reloaded = tree.Frontier.load(SHA256, size, store.fetch)
        assert reloaded.root() == reference_root(size)
        if size < len(LEAVES):
            reloaded.append(LEAVES[size])
            assert reloaded.root() == reference_root(size + 1)


def test_only_stored_levels_are_kept(store):
    levels = {slot & 63 for slot in store.nodes}
    assert levels == {4, 8}  # 300 leaves: subtrees of 16 and 256 leaves
    assert len(store.nodes) == 300 // 16 + 300 // 256


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_proofs_at_every_index(store, size):
    root = reference_root(size)
    for index in range(size):
        ranges = [(index, index + 1), *merkle.inclusion_ranges(index, size)]
        leaf_hash, *proof = tree.range_hashes(SHA256, ranges, store.fetch)
        assert leaf_hash == LEAVES[index]
        assert proof == RFC.inclusion_proof(index, size)
        merkle.verify_inclusion(SHA256, index, size, leaf_hash, proof, root)
        if proof:  # a proof for one leaf is not a proof for its neighbour
            with pytest.raises(merkle.ProofError):
                other = (index + 1) % size
                merkle.verify_inclusion(SHA256, other, size, LEAVES[other], proof, root)


@pytest.mark.parametrize("size", SIZES)
def test_consistency_proofs_from_every_smaller_size(store, size):
    root = reference_root(size)
    for first in range(1, size + 1):
        proof = tree.range_hashes(SHA256, merkle.consistency_ranges(first, size), store.fetch)
        assert proof == RFC.consistency_proof(first, size)
        merkle.verify_consistency(SHA256, first, size, proof, reference_root(first), root)
        if first < size:  # a different old root is refused
            with pytest.raises(merkle.ProofError):
                merkle.verify_consistency(SHA256, first, size, proof, LEAVES[0][::-1], root)


def test_ranges_refuse_impossible_requests():
    for index, size in ((0, 0), (5, 5), (-1, 3)):
        with pytest.raises(ValueError):
            merkle.inclusion_ranges(index, size)
    for first, second in ((0, 3), (4, 3), (-1, 2)):
        with pytest.raises(ValueError):
            merkle.consistency_ranges(first, second)
    with pytest.raises(ValueError):
        merkle.complete_subtrees(3, 7)  # not a range the RFC's recursion produces


BIG = 5000  # levels 4, 8 and 12 are stored from 4096 leaves on
BIG_LEAVES = [reference.leaf_hash(f"big {i}".encode()) for i in range(BIG)]
BIG_RFC = reference.ReferenceTree(BIG_LEAVES)


@pytest.fixture(scope="module")
def big_store():
    grown = MemoryStore()
    for leaf in BIG_LEAVES:
        grown.append(leaf)
    return grown


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_proofs_in_larger_trees(big_store, data):
    size = data.draw(st.integers(1, BIG), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    first = data.draw(st.integers(1, size), label="first")
    ranges = [(index, index + 1), *merkle.inclusion_ranges(index, size)]
    leaf_hash, *proof = tree.range_hashes(SHA256, ranges, big_store.fetch)
    assert proof == BIG_RFC.inclusion_proof(index, size)
    merkle.verify_inclusion(SHA256, index, size, leaf_hash, proof, BIG_RFC.root(size))
    consistency = tree.range_hashes(SHA256, merkle.consistency_ranges(first, size), big_store.fetch)
    assert consistency == BIG_RFC.consistency_proof(first, size)
    merkle.verify_consistency(
        SHA256, first, size, consistency, BIG_RFC.root(first), BIG_RFC.root(size)
    )
