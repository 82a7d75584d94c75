"""`tongban ledger verify --url URL`: check a running ledger from the outside, trusting nothing.

It speaks only HTTP to the public endpoints and never touches a database: it fetches the
latest checkpoint and an earlier one, checks both signatures with the log's keys (pinned with
`--key`, or fetched from the server and shown so they can be compared out of band), proves
the earlier tree is a prefix of the later one, and proves a sample of entries is in the
latest tree — recomputing each leaf hash from the leaf text. With `--state FILE` it keeps the
checkpoint it verified and next time proves the log only grew from there, which is how a
rewritten history (a fork) is caught."""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tongban.core.crypto import b64decode
from tongban.ledger import merkle
from tongban.ledger.leaves import canonical_json
from tongban.ledger.notes import (
    NoteError,
    NoteKey,
    TreeHead,
    open_note,
    parse_checkpoint,
    parse_vkey,
)

HASHES = {"SHA-256": "intl", "SM3": "gm"}
TIMEOUT = 20
MAX_RESPONSE = 1 << 22


class VerificationFailed(Exception):
    """The server's answers do not prove what they should, or it could not be asked."""


class Server:
    """The public ledger endpoints of one server."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise VerificationFailed(f"{base_url!r} is not an http(s) URL")
        self.base = base_url.rstrip("/")

    def text(self, path: str, **params) -> str:
        url = self.base + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310  # nosec B310  # scheme checked in __init__
                return answer.read(MAX_RESPONSE).decode("utf-8")
        except urllib.error.HTTPError as error:
            raise VerificationFailed(f"GET {path} answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, UnicodeDecodeError) as error:
            raise VerificationFailed(f"GET {path} failed: {error}") from None

    def json(self, path: str, **params) -> dict:
        try:
            return json.loads(self.text(path, **params))
        except json.JSONDecodeError:
            raise VerificationFailed(f"GET {path} did not answer JSON") from None


def _hashes(values: list, what: str) -> list[bytes]:
    try:
        return [b64decode(value) for value in values]
    except (ValueError, TypeError, AttributeError):
        raise VerificationFailed(f"{what} is not a list of base64 hashes") from None


def read_checkpoint(note: str, keys: list[NoteKey], origin: str) -> TreeHead:
    try:
        text, _signers = open_note(note, keys)
        head = parse_checkpoint(text)
    except NoteError as error:
        raise VerificationFailed(f"checkpoint refused: {error}") from None
    if head.origin != origin:
        raise VerificationFailed(f"checkpoint of origin {head.origin!r}, expected {origin!r}")
    return head


def verify_remote(
    base_url: str,
    *,
    pinned_keys: list[str],
    state: Path | None,
    sample: int,
    say: Callable[[str], None],
) -> TreeHead:
    """Run every check against the server at `base_url`; raises `VerificationFailed`."""
    server = Server(base_url)
    info = server.json("/api/v1/ledger/log")
    origin, hash_name = info.get("origin"), info.get("hash_algorithm")
    if not isinstance(origin, str) or hash_name not in HASHES:
        raise VerificationFailed("the log description names no origin or a hash we do not know")
    hasher = merkle.hasher_for(HASHES[hash_name])
    try:
        keys = [parse_vkey(text) for text in (pinned_keys or info.get("verifier_keys") or [])]
    except (NoteError, AttributeError, TypeError):
        raise VerificationFailed("a verifier key is malformed") from None
    if not keys or any(key.name != origin for key in keys):
        raise VerificationFailed("no verifier keys for this log's origin")
    if not pinned_keys:
        say("! keys taken from the server itself; compare them with a trusted copy:")
        for key in keys:
            say(f"    {key.vkey}")
    say(f"log {origin} ({hash_name})")

    latest_note = server.text("/ledger/checkpoint")
    latest = read_checkpoint(latest_note, keys, origin)
    say(f"✓ latest checkpoint signed: {latest.size} entries")
    earlier_note = state.read_text() if state and state.exists() else None
    if earlier_note is None:
        history = server.json("/api/v1/ledger/checkpoints", limit="100").get("items") or [{}]
        earlier_note = history[-1].get("note", "")
    earlier = read_checkpoint(earlier_note, keys, origin)
    say(f"✓ earlier checkpoint signed: {earlier.size} entries")

    if earlier.size > latest.size:
        raise VerificationFailed(f"the log shrank from {earlier.size} to {latest.size} entries")
    if earlier.size == latest.size:
        if earlier.root_hash != latest.root_hash:
            raise VerificationFailed(f"two different trees of {latest.size} entries were signed")
        say("✓ no entries since the earlier checkpoint; both sign the same tree")
    elif earlier.size:
        proof = server.json(
            "/api/v1/ledger/proof/consistency", first=earlier.size, second=latest.size
        )
        try:
            merkle.verify_consistency(
                hasher,
                earlier.size,
                latest.size,
                _hashes(proof.get("proof"), "the consistency proof"),
                earlier.root_hash,
                latest.root_hash,
            )
        except merkle.ProofError as error:
            raise VerificationFailed(f"the log's history was rewritten: {error}") from None
        say(f"✓ consistent: the tree of {earlier.size} is a prefix of the tree of {latest.size}")

    chosen = _sample(latest.size, sample)
    for index in chosen:
        _check_entry(server, hasher, latest, index)
    if chosen:
        say(f"✓ {len(chosen)} entries proven included (leaf hashes recomputed)")
    if state:
        state.write_text(latest_note)
    return latest


def _sample(size: int, count: int) -> list[int]:
    if size == 0 or count <= 0:
        return []
    chosen = {0, size - 1}  # the first and the last entry, and a random sample between
    # An unpredictable sample: a server cannot guess which entries an auditor will check.
    chosen.update(secrets.SystemRandom().sample(range(size), min(size, count)))
    return sorted(chosen)


def _check_entry(server: Server, hasher: merkle.Hasher, head: TreeHead, index: int) -> None:
    entry = server.json(f"/api/v1/ledger/entries/{index}")
    leaf = entry.get("leaf")
    if not isinstance(leaf, str):
        raise VerificationFailed(f"entry {index} has no leaf")
    leaf_bytes = leaf.encode("utf-8")
    try:
        canonical = canonical_json(json.loads(leaf)) == leaf_bytes
    except (json.JSONDecodeError, ValueError):
        canonical = False
    if not canonical:
        raise VerificationFailed(f"entry {index}: the leaf is not canonical JSON")
    leaf_hash = hasher.leaf(leaf_bytes)
    (served,) = _hashes([entry.get("leaf_hash")], f"entry {index}'s leaf hash")
    if served != leaf_hash:
        raise VerificationFailed(f"entry {index}: the served leaf hash is not the leaf's hash")
    answer = server.json("/api/v1/ledger/proof/inclusion", index=index, tree_size=head.size)
    try:
        merkle.verify_inclusion(
            hasher,
            index,
            head.size,
            leaf_hash,
            _hashes(answer.get("proof"), "the inclusion proof"),
            head.root_hash,
        )
    except merkle.ProofError as error:
        raise VerificationFailed(f"entry {index} is not in the signed tree: {error}") from None
