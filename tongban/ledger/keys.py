"""The checkpoint signing keys from `TONGBAN_LEDGER_KEYS` (see tongban.config.env.ledger_keys).

The first Ed25519 key always signs; with the `gm` suite the first SM2 key signs as well. All
configured keys are published (GET /ledger/keys), so checkpoints signed before a rotation keep
verifying as long as their key stays listed after the new one."""

import base64
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.core import crypto
from tongban.ledger.notes import NoteKey, NoteSigner

ALGORITHMS = {"ed25519": "Ed25519", "sm2": "SM2"}


def _signer(name: str, algorithm: str, private_b64: str, public_b64: str) -> NoteSigner:
    private = base64.b64decode(private_b64)
    if algorithm == "Ed25519":
        public = (
            Ed25519PrivateKey.from_private_bytes(private)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
    else:
        public = base64.b64decode(public_b64)
        probe = b"tongban ledger key check"
        pair = crypto.KeyPair(algorithm, private, public)
        if not crypto.verify(algorithm, public, probe, crypto.sign(pair, probe)):
            raise ImproperlyConfigured(
                "TONGBAN_LEDGER_KEYS: an sm2 public key does not belong to its private key"
            )
    return NoteSigner(NoteKey(name, algorithm, public), private)


@cache
def configured_signers(origin: str) -> tuple[NoteSigner, ...]:
    """Every configured key as a signer under `origin`, in the configured order."""
    return tuple(
        _signer(origin, ALGORITHMS[algorithm], private, public)
        for algorithm, private, public in settings.TONGBAN_LEDGER_KEYS
    )


def signing_signers(origin: str) -> list[NoteSigner]:
    """The keys that sign new checkpoints: the first Ed25519 key, and the first SM2 key with
    the `gm` suite."""
    wanted = ["Ed25519", "SM2"] if settings.TONGBAN_CRYPTO_SUITE == "gm" else ["Ed25519"]
    chosen = []
    for algorithm in wanted:
        chosen.append(next(s for s in configured_signers(origin) if s.key.algorithm == algorithm))
    return chosen


def published_keys(origin: str) -> list[NoteKey]:
    """The verifier keys anyone may use to check this log's checkpoints: signing keys first."""
    signing = [signer.key for signer in signing_signers(origin)]
    others = [s.key for s in configured_signers(origin) if s.key not in signing]
    return signing + others


def reset_key_cache() -> None:
    """Forget derived keys (tests change the settings at run time)."""
    configured_signers.cache_clear()
