"""A naive RFC 9162 tree, written straight from the RFC's recursive definitions (§2.1.1 MTH,
§2.1.3.1 PATH, §2.1.4.1 PROOF/SUBPROOF), to check the project's tree and proofs against.
Ranges of one fixed list of leaf hashes are memoized so that checking every proof of every
tree up to 300 leaves stays quick."""

import hashlib
from functools import cache


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class ReferenceTree:
    def __init__(self, leaf_hashes: list[bytes]):
        self.leaves = leaf_hashes
        self.mth = cache(self._mth)

    def _mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi])."""
        if hi == lo:
            return hashlib.sha256(b"").digest()
        if hi - lo == 1:
            return self.leaves[lo]
        k = _k(hi - lo)
        return hashlib.sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)).digest()

    def root(self, n: int) -> bytes:
        return self.mth(0, n)

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        """PATH(m, D[lo:hi]) with m counted from lo."""
        if hi - lo == 1:
            return []
        k = _k(hi - lo)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.mth(lo, hi)]
        k = _k(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, complete), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def inclusion_proof(self, m: int, n: int) -> list[bytes]:
        return self.path(m, 0, n)

    def consistency_proof(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True)
