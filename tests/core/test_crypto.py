"""Both crypto suites: hashing, encryption at rest with rotation, and signatures."""

import base64
import os
import shutil
import subprocess

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


# GB/T 32918.5-2017 (GM/T 0003.5-2012) Annex A: signing "message digest" on the recommended
# curve with the default signer id. ../shared/testdata has no SM2 vectors; these are the
# standard's own figures.
ANNEX_A = {
    "public": "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13",
    "z": "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3",
    "e": "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640",
    "r": "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3",
    "s": "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA",
}


def der_signature(r: bytes, s: bytes) -> bytes:
    """SEQUENCE { INTEGER r, INTEGER s } as SM2 signatures are written (GB/T 35276)."""

    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0")
        if value[0] & 0x80:
            value = b"\0" + value
        return bytes([2, len(value)]) + value

    body = integer(r) + integer(s)
    return bytes([0x30, len(body)]) + body


def test_the_sm2_digest_is_the_standards_z_and_e():
    public = bytes.fromhex(ANNEX_A["public"])
    assert crypto.sm2_signer_z(public).hex().upper() == ANNEX_A["z"]
    assert crypto.sm2_digest(public, b"message digest").hex().upper() == ANNEX_A["e"]
    signature = der_signature(bytes.fromhex(ANNEX_A["r"]), bytes.fromhex(ANNEX_A["s"]))
    assert crypto.verify("SM2", public, b"message digest", signature)
    assert not crypto.verify("SM2", public, b"message digests", signature)


def test_sm2_signatures_made_the_old_way_still_verify_and_new_ones_verify_the_old_way():
    """Until this change signatures came from `gmssl_pyx.sm2_sign` on the message; now the
    digest is computed here and signed with `sm2_sign_sm3_digest`. Both verify either way."""
    import gmssl_pyx

    key = crypto.suite("gm").generate_signing_key()
    message = b"tongban.localhost/ledger\n42\n" * 3
    old = gmssl_pyx.sm2_sign(key.private, key.public, message, signer_id=crypto.SM2_SIGNER_ID)
    assert crypto.verify("SM2", key.public, message, old)
    new = crypto.sign(key, message)
    assert gmssl_pyx.sm2_verify(key.public, message, new, signer_id=crypto.SM2_SIGNER_ID)
    assert gmssl_pyx.sm2_verify_sm3_digest(key.public, crypto.sm2_digest(key.public, message), new)
    other = crypto.suite("gm").generate_signing_key()
    assert not crypto.verify("SM2", other.public, message, new)


def openssl_has_sm2() -> bool:
    openssl = shutil.which("openssl")
    if not openssl:
        return False
    listed = subprocess.run([openssl, "list", "-public-key-algorithms"], capture_output=True)
    return b"SM2" in listed.stdout


@pytest.mark.skipif(not openssl_has_sm2(), reason="no openssl command with SM2 on this machine")
def test_sm2_signatures_verify_with_openssl(tmp_path):
    """An independent, standard SM2 verifier: OpenSSL's, with SM3 and the default signer id."""
    key = crypto.suite("gm").generate_signing_key()
    message = "tongban.localhost/ledger\n7\n通办\n".encode()
    # SubjectPublicKeyInfo { id-ecPublicKey, SM2 curve (1.2.156.10197.1.301) } with 04 ‖ x ‖ y.
    spki = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200") + b"\4"
    spki += key.public
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(spki).decode()
    (tmp_path / "key.pem").write_text(pem + "-----END PUBLIC KEY-----\n")
    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(crypto.sign(key, message))

    def openssl_verifies(signer_id: str) -> bool:
        command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin"]
        command += ["-digest", "sm3", "-in", "message", "-sigfile", "signature"]
        command += ["-pkeyopt", f"distid:{signer_id}"]
        return subprocess.run(command, cwd=tmp_path, capture_output=True).returncode == 0

    assert openssl_verifies("1234567812345678")
    assert not openssl_verifies("1234567812345679")


@pytest.mark.parametrize("name", SUITES)
def test_blind_index_is_stable_and_keyed(name, settings):
    settings.TONGBAN_CRYPTO_SUITE = name
    first = crypto.blind_index("id_number", "11010519491231002X")
    assert first == crypto.blind_index("id_number", "11010519491231002X")
    assert first != crypto.blind_index("phone", "11010519491231002X")
    settings.TONGBAN_INDEX_KEY = key_b64()
    assert first != crypto.blind_index("id_number", "11010519491231002X")
