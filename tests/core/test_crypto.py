"""Both crypto suites: hashing, encryption at rest with rotation, and signatures."""

import base64
import os

import pytest

from tongban.core import crypto

SUITES = ["intl", "gm"]


def key_b64() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(settings):
    settings.TONGBAN_DATA_KEYS = [("new", key_b64()), ("old", key_b64())]
    crypto.reset_key_cache()
    yield settings
    crypto.reset_key_cache()


def test_known_answers():
    assert crypto.suite("intl").hash(b"abc").hex().startswith("ba7816bf")
    # GB/T 32905 test vector for SM3("abc")
    assert crypto.suite("gm").hash(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


@pytest.mark.parametrize("name", SUITES)
def test_encryption_round_trip_and_tamper_detection(name, keys):
    keys.TONGBAN_CRYPTO_SUITE = name
    token = crypto.encrypt_text("11010519491231002X", context="identity.person.id_number")
    assert token.startswith(f"{name}:new:")
    assert "11010519491231002X" not in token
    assert crypto.decrypt_text(token, context="identity.person.id_number") == "11010519491231002X"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(token, context="identity.person.phone")  # moved to another field
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[20] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(
            f"{prefix}:{base64.b64encode(bytes(raw)).decode()}", context="identity.person.id_number"
        )


def test_old_keys_and_other_suites_still_decrypt(keys):
    keys.TONGBAN_DATA_KEYS = [("old", keys.TONGBAN_DATA_KEYS[1][1])]
    crypto.reset_key_cache()
    keys.TONGBAN_CRYPTO_SUITE = "gm"
    token = crypto.encrypt_text("secret", context="c")
    keys.TONGBAN_DATA_KEYS = [("new", key_b64()), ("old", keys.TONGBAN_DATA_KEYS[0][1])]
    crypto.reset_key_cache()
    keys.TONGBAN_CRYPTO_SUITE = "intl"
    assert crypto.needs_reencryption(token)
    assert crypto.decrypt_text(token, context="c") == "secret"


def test_an_unknown_key_id_fails_clearly(keys):
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text("intl:gone:AAAA", context="c")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text("not a token", context="c")


@pytest.mark.parametrize("name", SUITES)
def test_signatures(name):
    key = crypto.suite(name).generate_signing_key()
    message = "电子证照".encode()
    signature = crypto.sign(key, message)
    assert crypto.verify(key.algorithm, key.public, message, signature)
    assert not crypto.verify(key.algorithm, key.public, message + b"!", signature)
    other = crypto.suite(name).generate_signing_key()
    assert not crypto.verify(key.algorithm, other.public, message, signature)
    assert not crypto.verify(key.algorithm, key.public, message, b"\x00" * len(signature))
    assert not crypto.verify(key.algorithm, b"short", message, signature)


def test_gm_signatures_use_sm2_with_the_default_signer_id():
    import gmssl_pyx

    key = crypto.suite("gm").generate_signing_key()
    assert key.algorithm == "SM2" and len(key.public) == 64 and len(key.private) == 32
    signature = crypto.sign(key, b"m")
    assert gmssl_pyx.sm2_verify(key.public, b"m", signature, signer_id=b"1234567812345678")


@pytest.mark.parametrize("name", SUITES)
def test_blind_index_is_stable_and_keyed(name, settings):
    settings.TONGBAN_CRYPTO_SUITE = name
    first = crypto.blind_index("id_number", "11010519491231002X")
    assert first == crypto.blind_index("id_number", "11010519491231002X")
    assert first != crypto.blind_index("phone", "11010519491231002X")
    settings.TONGBAN_INDEX_KEY = key_b64()
    assert first != crypto.blind_index("id_number", "11010519491231002X")
