"""C2SP signed notes (c2sp.org/signed-note) carrying tlog checkpoints (c2sp.org/tlog-checkpoint).

    tongban.localhost/ledger
    1042
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

    — tongban.localhost/ledger Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeO...

The body is the origin, the tree size and the base64 root hash, each on its own line; each
signature line is an em dash, the key name (the origin), and base64(4-byte key ID ||
signature). Ed25519 uses the signed-note type byte 0x01. SM2 (with SM3 and the default signer
id, GB/T 32918) has no assigned byte, so it uses 0xff followed by the identifier
`tongban/sm2-sm3`, as the specification recommends; its public key is the 64-byte x || y.
Key IDs are the first four bytes of SHA-256(name || 0x0A || type || public key), and verifier
keys are written `name+hex(key ID)+base64(type || public key)` like Go's `note` package."""

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cached_property

from tongban.core import crypto
from tongban.ledger.merkle import HASH_SIZE

SIGNATURE_TYPES = {"Ed25519": b"\x01", "SM2": b"\xfftongban/sm2-sm3"}
PUBLIC_KEY_BYTES = {"Ed25519": 32, "SM2": 64}
MAX_NOTE_CHARACTERS = 1 << 16
MAX_SIGNATURES = 64
KEY_NAME = re.compile(r"^[^\s+]+$")
TREE_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")
SIGNATURE_LINE = re.compile(r"^\u2014 (?P<name>[^\s+]+) (?P<signature>[A-Za-z0-9+/=]+)$")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


class NoteError(ValueError):
    """A note is malformed, or no trusted signature on it verifies."""


def _sha256(data: bytes) -> bytes:
    return crypto.suite("intl").hash(data)


@dataclass(frozen=True)
class NoteKey:
    """A public key that may sign notes, under a name (the log's origin)."""

    name: str
    algorithm: str
    public: bytes

    @cached_property
    def key_id(self) -> bytes:
        encoded = SIGNATURE_TYPES[self.algorithm] + self.public
        return _sha256(self.name.encode() + b"\n" + encoded)[:4]

    @property
    def vkey(self) -> str:
        """The verifier key in the `name+hash+base64` text form."""
        encoded = base64.b64encode(SIGNATURE_TYPES[self.algorithm] + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def parse_vkey(text: str) -> NoteKey:
    """Read a verifier key written as `name+hex(key ID)+base64(type || public key)`."""
    name, _sep, rest = text.strip().partition("+")
    key_id, _sep, encoded = rest.partition("+")
    if not (name and KEY_NAME.match(name) and re.fullmatch(r"[0-9a-f]{8}", key_id)):
        raise NoteError("a verifier key looks like name+8 hex digits+base64")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("the verifier key's public key is not base64") from None
    for algorithm, prefix in SIGNATURE_TYPES.items():
        public = data[len(prefix) :]
        if data.startswith(prefix) and len(public) == PUBLIC_KEY_BYTES[algorithm]:
            key = NoteKey(name, algorithm, public)
            if key.key_id.hex() != key_id:
                raise NoteError("the verifier key's ID does not match its key")
            return key
    raise NoteError("the verifier key has an unknown signature type or length")


@dataclass(frozen=True)
class NoteSigner:
    key: NoteKey
    private: bytes

    def signature_line(self, text: str) -> str:
        pair = crypto.KeyPair(self.key.algorithm, self.private, self.key.public)
        signature = crypto.sign(pair, text.encode())
        encoded = base64.b64encode(self.key.key_id + signature).decode()
        return f"\u2014 {self.key.name} {encoded}\n"


def sign_note(text: str, signers: list[NoteSigner]) -> str:
    """The signed note: the text (ending in a newline), a blank line, the signature lines."""
    if not text.endswith("\n") or CONTROL.search(text) or "\n\n" in text:
        raise ValueError("note text must be lines without control characters, ending in \\n")
    return text + "\n" + "".join(signer.signature_line(text) for signer in signers)


def open_note(note: str, keys: list[NoteKey]) -> tuple[str, list[NoteKey]]:
    """Check a signed note against trusted keys; returns its text and the keys that signed.

    Signatures by unknown keys are ignored; a signature by a known key that does not verify
    rejects the whole note, and so does a note that no known key signed."""
    if len(note) > MAX_NOTE_CHARACTERS or CONTROL.search(note):
        raise NoteError("the note is too long or contains control characters")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("the note has no signature block")
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("the note has too many signatures")
    known = {(key.name, key.key_id): key for key in keys}
    signed_by = []
    for line in lines:
        match = SIGNATURE_LINE.match(line)
        if not match:
            raise NoteError("a signature line is malformed")
        try:
            raw = base64.b64decode(match["signature"], validate=True)
        except (binascii.Error, ValueError):
            raise NoteError("a signature is not base64") from None
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        key = known.get((match["name"], raw[:4]))
        if key is None:
            continue
        if not crypto.verify(key.algorithm, key.public, text.encode(), raw[4:]):
            raise NoteError(f"the {key.algorithm} signature of {key.name} does not verify")
        signed_by.append(key)
    if not signed_by:
        raise NoteError("no trusted key signed the note")
    return text, signed_by


@dataclass(frozen=True)
class TreeHead:
    """What a checkpoint states: the log's origin, its size, and its root hash."""

    origin: str
    size: int
    root_hash: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root_hash).decode()}\n"


def parse_checkpoint(text: str) -> TreeHead:
    """Read a checkpoint's body (the note text, already verified)."""
    lines = text[:-1].split("\n") if text.endswith("\n") else []
    if len(lines) < 3 or not all(lines):
        raise NoteError("a checkpoint has an origin, a size and a root hash on non-empty lines")
    origin, size, root = lines[:3]
    if not TREE_SIZE.match(size) or int(size) >= 1 << 63:
        raise NoteError("the checkpoint's tree size is not a decimal number")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("the checkpoint's root hash is not base64") from None
    if len(root_hash) != HASH_SIZE:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    return TreeHead(origin, int(size), root_hash)
