"""The platform's cryptography behind one interface, in two suites (TONGBAN_CRYPTO_SUITE).

| suite | hash    | keyed hash  | encryption  | signature                      |
|-------|---------|-------------|-------------|--------------------------------|
| intl  | SHA-256 | HMAC-SHA256 | AES-256-GCM | Ed25519                        |
| gm    | SM3     | HMAC-SM3    | SM4-GCM     | SM2 with SM3, signer id 1234567812345678 |

pyca/cryptography does everything but SM2, which comes from the gmssl-pyx C extension (never
the pure-Python `gmssl`, whose signing nonces are not cryptographic). Ciphertexts and signatures
say which suite and key made them, so data stays readable after a suite or key change."""

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import cache, lru_cache

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

SM2_SIGNER_ID = b"1234567812345678"
# The SM2 curve's a, b and base point G (GB/T 32918.5), as hashed into the signer's Z value.
SM2_CURVE_A_B_G = bytes.fromhex(
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionFailed(Exception):
    """A ciphertext was altered, belongs to another field, or its key is not configured."""


@dataclass(frozen=True)
class KeyPair:
    """A signing key: `private` stays inside the platform (stored encrypted), `public` is shared."""

    algorithm: str
    private: bytes
    public: bytes


@dataclass(frozen=True)
class Suite:
    name: str
    hash_algorithm: type[hashes.HashAlgorithm]
    cipher: type
    cipher_key_bytes: int
    signature_algorithm: str

    # -- hashing ---------------------------------------------------------------------------
    def hash(self, data: bytes) -> bytes:
        digest = hashes.Hash(self.hash_algorithm())
        digest.update(data)
        return digest.finalize()

    def keyed_hash(self, key: bytes, data: bytes) -> bytes:
        mac = hmac.HMAC(key, self.hash_algorithm())
        mac.update(data)
        return mac.finalize()

    def derive_key(self, material: bytes, purpose: str, length: int | None = None) -> bytes:
        """A key for one purpose from key material (HKDF), sized for this suite's cipher."""
        return HKDF(
            algorithm=self.hash_algorithm(),
            length=length or self.cipher_key_bytes,
            salt=None,
            info=f"tongban {self.name} {purpose}".encode(),
        ).derive(material)

    # -- authenticated encryption ----------------------------------------------------------
    def encrypt(self, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        """nonce (12) || ciphertext || tag (16)."""
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(self.cipher(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt(self, key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionFailed("ciphertext too short")
        nonce, body, tag = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:-TAG_BYTES], sealed[-TAG_BYTES:]
        decryptor = Cipher(self.cipher(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated_data)
        try:
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag:
            raise DecryptionFailed("ciphertext or associated data altered") from None

    # -- signatures ------------------------------------------------------------------------
    def generate_signing_key(self) -> KeyPair:
        if self.signature_algorithm == "Ed25519":
            private = Ed25519PrivateKey.generate()
            return KeyPair(
                "Ed25519",
                private.private_bytes_raw(),
                private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            )
        import gmssl_pyx

        public, private = gmssl_pyx.sm2_key_generate()
        return KeyPair("SM2", private, public)


def sign(key: KeyPair, message: bytes) -> bytes:
    """Sign with the key's own algorithm (Ed25519, or SM2 with SM3 and the default signer id)."""
    if key.algorithm == "Ed25519":
        return Ed25519PrivateKey.from_private_bytes(key.private).sign(message)
    if key.algorithm == "SM2":
        import gmssl_pyx

        # The same signature as `gmssl_pyx.sm2_sign(private, public, message, signer_id)`, ~9×
        # quicker: that call spends most of its time outside the signature itself.
        return gmssl_pyx.sm2_sign_sm3_digest(key.private, sm2_digest(key.public, message))
    raise ValueError(f"unknown signature algorithm {key.algorithm!r}")


def _sm3(data: bytes) -> bytes:
    if "sm3" in hashlib.algorithms_available:
        return hashlib.new("sm3", data).digest()
    return SUITES["gm"].hash(data)


@lru_cache(maxsize=64)
def sm2_signer_z(public: bytes, signer_id: bytes = SM2_SIGNER_ID) -> bytes:
    """Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5): the signer's
    identity and public key, hashed in front of every message it signs."""
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return _sm3(entl + signer_id + SM2_CURVE_A_B_G + public)


def sm2_digest(public: bytes, message: bytes, signer_id: bytes = SM2_SIGNER_ID) -> bytes:
    """e = SM3(Z ‖ M): what an SM2 signature with SM3 actually signs (GB/T 32918.2 §6.1)."""
    return _sm3(sm2_signer_z(public, signer_id) + message)


def verify(algorithm: str, public: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is valid; False for any bad signature, key or algorithm."""
    try:
        if algorithm == "Ed25519":
            Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
            return True
        if algorithm == "SM2":
            import gmssl_pyx

            if len(public) != 64 or not 8 <= len(signature) <= 72:  # DER (r, s) at most 72
                return False
            try:
                return bool(
                    gmssl_pyx.sm2_verify(public, message, signature, signer_id=SM2_SIGNER_ID)
                )
            except gmssl_pyx.GmsslInnerError:  # malformed key or signature
                return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return False


SUITES = {
    "intl": Suite("intl", hashes.SHA256, algorithms.AES256, 32, "Ed25519"),
    "gm": Suite("gm", hashes.SM3, algorithms.SM4, 16, "SM2"),
}


def suite(name: str | None = None) -> Suite:
    """The named suite, or the configured one."""
    return SUITES[name or settings.TONGBAN_CRYPTO_SUITE]


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# -- data keys: encryption of sensitive fields at rest ------------------------------------


@cache
def _data_keys() -> tuple[tuple[str, bytes], ...]:
    return tuple((key_id, b64decode(material)) for key_id, material in settings.TONGBAN_DATA_KEYS)


def current_data_key_id() -> str:
    return _data_keys()[0][0]


def encrypt_text(plaintext: str, *, context: str) -> str:
    """Encrypt with the current suite and data key: `suite:key-id:base64(nonce|ct|tag)`.

    `context` (e.g. "identity.person.id_number") is authenticated: a ciphertext copied into
    another field does not decrypt."""
    active = suite()
    key_id, material = _data_keys()[0]
    sealed = active.encrypt(
        active.derive_key(material, "data"), plaintext.encode(), context.encode()
    )
    return f"{active.name}:{key_id}:{b64encode(sealed)}"


def decrypt_text(token: str, *, context: str) -> str:
    try:
        suite_name, key_id, body = token.split(":", 2)
        used = SUITES[suite_name]
        material = dict(_data_keys())[key_id]
        sealed = b64decode(body)
    except (ValueError, KeyError) as error:
        raise DecryptionFailed(f"unreadable ciphertext ({type(error).__name__})") from None
    return used.decrypt(used.derive_key(material, "data"), sealed, context.encode()).decode()


def needs_reencryption(token: str) -> bool:
    """True when a ciphertext was made with another suite or an older data key."""
    suite_name, key_id, _body = token.split(":", 2)
    return suite_name != suite().name or key_id != current_data_key_id()


def blind_index(purpose: str, value: str) -> str:
    """A keyed hash for finding or de-duplicating a secret value without decrypting it
    (e.g. an ID number), with the configured suite; hex, 64 characters. Stable across
    data-key rotation; changing the suite or the index key means recomputing indexes."""
    key = b64decode(settings.TONGBAN_INDEX_KEY)
    return suite().keyed_hash(key, f"{purpose}\x00{value}".encode()).hex()


def reset_key_cache() -> None:
    """Forget cached keys (tests and key rotation change settings at run time)."""
    _data_keys.cache_clear()
