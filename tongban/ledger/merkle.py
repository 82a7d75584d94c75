"""RFC 9162 §2.1 Merkle tree hashing, proofs and their verification, independent of storage.

A leaf hashes as `H(0x00 || leaf)` and a node as `H(0x01 || left || right)`; the tree over n
leaves splits at the largest power of two smaller than n. Every hash a proof needs is the hash
of a range of leaves [start, end) that the RFC's recursion visits; `inclusion_ranges` and
`consistency_ranges` name those ranges, and the storage (`tongban.ledger.tree`) supplies their
hashes. The verifiers follow transparency-dev/merkle's `proof/verify.go` and are checked
against its published test vectors (tests/ledger/test_merkle_vectors.py)."""

import functools
import hashlib
from collections.abc import Callable, Sequence

from tongban.core import crypto

HASH_SIZE = 32

Range = tuple[int, int]  # leaves [start, end)
Subtree = tuple[int, int]  # (level, index): the 2**level leaves from index * 2**level


class ProofError(ValueError):
    """A proof does not verify, or what it was given is malformed."""


class Hasher:
    """RFC 9162 hashing with one hash function (SHA-256, or SM3 with the `gm` suite).

    `leaf(data)` = H(0x00 ‖ data) and `children(left, right)` = H(0x01 ‖ left ‖ right) are
    plain functions, one call each: sealing makes two per entry."""

    __slots__ = ("children", "hash", "leaf")

    def __init__(self, hash: Callable[[bytes], bytes], new: Callable | None = None):
        self.hash = hash
        if new is not None:  # a hashlib constructor: one call per hash, not three
            self.leaf = lambda data: new(b"\x00" + data).digest()
            self.children = lambda left, right: new(b"\x01" + left + right).digest()
        else:
            self.leaf = lambda data: hash(b"\x00" + data)
            self.children = lambda left, right: hash(b"\x01" + left + right)

    def empty_root(self) -> bytes:
        return self.hash(b"")


def hasher_for(suite_name: str) -> Hasher:
    """The hasher of a crypto suite: `intl` → SHA-256, `gm` → SM3 (both 32-byte digests).

    The suite decides the function; where the Python runtime's OpenSSL offers it, hashlib
    computes it (a proof hashes ~50 pairs, and hashlib is 4× quicker per call than a
    `cryptography` Hash object). tests/ledger check that both give the same digests."""
    chosen = crypto.suite(suite_name)
    name = chosen.hash_algorithm.name
    if name in hashlib.algorithms_available:
        # hashlib.sha256 directly where it exists: a third quicker per call than hashlib.new.
        new = getattr(hashlib, name, None) or functools.partial(hashlib.new, name)
        return Hasher(lambda data: new(data).digest(), new)
    return Hasher(chosen.hash)


def split_point(size: int) -> int:
    """The largest power of two smaller than `size` (size ≥ 2): where RFC 9162 splits."""
    return 1 << ((size - 1).bit_length() - 1)


def complete_subtrees(start: int, end: int) -> list[Subtree]:
    """[start, end) as the RFC's recursion splits it: complete subtrees, left to right.

    Every range a proof or a tree head needs starts at a multiple of a power of two at least
    as large as itself, so it is a run of complete subtrees of decreasing size."""
    pieces = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"[{start}, {end}) is not a subtree range of an RFC 9162 tree")
        pieces.append((level, start >> level))
        start += 1 << level
    return pieces


def fold(hasher: Hasher, hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its complete subtrees' hashes (left to right)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hasher.children(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form the audit path of leaf `index` in a tree of `size`
    leaves (RFC 9162 §2.1.3.1 PATH), from the leaf's sibling up to the root's child."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path = []
    start, end = 0, size
    while end - start > 1:
        half = split_point(end - start)
        if index < start + half:
            path.append((start + half, end))
            end = start + half
        else:
            path.append((start, start + half))
            start += half
    path.reverse()
    return path


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The ranges whose hashes prove that the tree of `first` leaves is a prefix of the tree
    of `second` leaves (RFC 9162 §2.1.4.1 SUBPROOF), bottom first."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    path: list[Range] = []
    if first == second:
        return path
    start, end, remaining, whole_old_tree = 0, second, first, True
    while True:
        if end - start == remaining:
            if not whole_old_tree:
                path.append((start, end))
            break
        half = split_point(end - start)
        if remaining <= half:
            path.append((start + half, end))
            end = start + half
        else:
            path.append((start, start + half))
            start += half
            remaining -= half
            whole_old_tree = False
    path.reverse()
    return path


# -- verification (clients trust nothing but these functions and the signed tree heads) ------


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")


def _inclusion_shape(index: int, size: int) -> tuple[int, int]:
    """How many proof hashes lie below the point where the paths to `index` and to the last
    leaf meet (inner), and how many above it (border)."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def _chain_inner(hasher: Hasher, seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, sibling in enumerate(proof):
        right = (index >> i) & 1
        seed = hasher.children(sibling, seed) if right else hasher.children(seed, sibling)
    return seed


def _chain_inner_right(hasher: Hasher, seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, sibling in enumerate(proof):
        if (index >> i) & 1:
            seed = hasher.children(sibling, seed)
    return seed


def _chain_border_right(hasher: Hasher, seed: bytes, proof: Sequence[bytes]) -> bytes:
    for sibling in proof:
        seed = hasher.children(sibling, seed)
    return seed


def root_from_inclusion_proof(
    hasher: Hasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root a tree of `size` leaves must have if `proof` shows `leaf_hash` at `index`."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not below the tree size {size}")
    _check_hash(leaf_hash, "the leaf hash")
    for item in proof:
        _check_hash(item, "a proof hash")
    inner, border = _inclusion_shape(index, size)
    if len(proof) != inner + border:
        raise ProofError(f"the proof has {len(proof)} hashes, not {inner + border}")
    result = _chain_inner(hasher, leaf_hash, proof[:inner], index)
    return _chain_border_right(hasher, result, proof[inner:])


def verify_inclusion(
    hasher: Hasher,
    index: int,
    size: int,
    leaf_hash: bytes,
    proof: Sequence[bytes],
    root: bytes,
) -> None:
    """Raise `ProofError` unless `proof` shows `leaf_hash` at `index` under `root`."""
    _check_hash(root, "the root hash")
    if root_from_inclusion_proof(hasher, index, size, leaf_hash, proof) != root:
        raise ProofError("the inclusion proof leads to another root hash")


def verify_consistency(
    hasher: Hasher,
    size1: int,
    size2: int,
    proof: Sequence[bytes],
    root1: bytes,
    root2: bytes,
) -> None:
    """Raise `ProofError` unless the tree (size1, root1) is a prefix of (size2, root2).

    A proof from the empty tree means nothing and is refused; for equal sizes the proof must
    be empty and the roots equal."""
    if size1 <= 0 or size2 < size1:
        raise ProofError(f"no consistency proof goes from size {size1} to size {size2}")
    if size1 == size2:
        if proof:
            raise ProofError("equal tree sizes need an empty proof")
        if root1 != root2:
            raise ProofError("equal tree sizes with different root hashes")
        return
    if not proof:
        raise ProofError("the proof is empty")
    _check_hash(root1, "the first root hash")
    _check_hash(root2, "the second root hash")
    for item in proof:
        _check_hash(item, "a proof hash")
    inner, border = _inclusion_shape(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zero bits of size1
    inner -= shift
    # The old tree's right edge is a complete subtree of 2**shift leaves; unless the old tree
    # is exactly that subtree, the proof starts with its hash.
    if size1 == 1 << shift:
        seed, rest = root1, proof
    else:
        seed, rest = proof[0], proof[1:]
    if len(rest) != inner + border:
        raise ProofError(f"the proof has {len(proof)} hashes, not the expected number")
    mask = (size1 - 1) >> shift
    old = _chain_inner_right(hasher, seed, rest[:inner], mask)
    old = _chain_border_right(hasher, old, rest[inner:])
    if old != root1:
        raise ProofError("the proof does not lead to the first root hash")
    new = _chain_inner(hasher, seed, rest[:inner], mask)
    new = _chain_border_right(hasher, new, rest[inner:])
    if new != root2:
        raise ProofError("the proof does not lead to the second root hash")
