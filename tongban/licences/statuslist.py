"""Token Status List (IETF draft-ietf-oauth-status-list): one compressed bit string per issuing
department, 2 bits per licence, that verifiers fetch once and cache instead of asking about
each licence (which would also tell the platform who checks whom).

Values: 0 valid, 1 invalid (revoked), 2 suspended. Licence `i` sits in byte `i * 2 // 8`,
starting at bit `(i * 2) % 8` counted from the least significant bit; the byte string is
compressed with DEFLATE in the zlib format and base64url-encoded (`lst`)."""

import zlib

from tongban.licences.sdjwt import b64url, b64url_decode

BITS = 2
VALID, INVALID, SUSPENDED = 0, 1, 2
TYP = "statuslist+jwt"


def encode(statuses: dict[int, int]) -> str:
    """`lst` for {index: status}; indexes not named are valid."""
    size = (max(statuses, default=-1) + 1) * BITS
    packed = bytearray((size + 7) // 8 or 1)
    for index, value in statuses.items():
        if not 0 <= value < 2**BITS:
            raise ValueError(f"status {value} does not fit in {BITS} bits")
        position = index * BITS
        packed[position // 8] |= value << (position % 8)
    return b64url(zlib.compress(bytes(packed), 9))


def status_at(lst: str, index: int) -> int:
    """The status of licence `index` in an encoded list (valid past the end)."""
    packed = zlib.decompress(b64url_decode(lst))
    position = index * BITS
    if position // 8 >= len(packed):
        return VALID
    return (packed[position // 8] >> (position % 8)) & (2**BITS - 1)
