"""TONGBAN_LEDGER_ORIGIN and TONGBAN_LEDGER_KEYS: generated outside production, required in
production, and every mistake stops start-up with one line naming the setting."""

import base64
import os

import pytest

from tongban.config import env
from tongban.ledger import keys

SEED = base64.b64encode(bytes(range(32))).decode()  # fixed: test ids must not vary by run
PUBLIC = base64.b64encode(bytes(range(64))).decode()


def test_keys_are_generated_once_outside_production(tmp_path):
    generated = env.ledger_keys({}, tmp_path, production=False, crypto_suite="intl")
    assert [algorithm for algorithm, _p, _q in generated] == ["ed25519", "sm2"]
    assert env.ledger_keys({}, tmp_path, production=False, crypto_suite="gm") == generated
    assert oct((tmp_path / "ledger_keys").stat().st_mode & 0o777) == "0o600"


def test_production_requires_both(tmp_path):
    with pytest.raises(env.SettingError, match="TONGBAN_LEDGER_KEYS is required"):
        env.ledger_keys({}, tmp_path, production=True, crypto_suite="intl")
    with pytest.raises(env.SettingError, match="TONGBAN_LEDGER_ORIGIN is required"):
        env.ledger_origin({}, production=True)


def test_several_keys_rotate_the_first_of_each_algorithm_signs(tmp_path, settings):
    new, old = SEED, base64.b64encode(os.urandom(32)).decode()
    parsed = env.ledger_keys(
        {"TONGBAN_LEDGER_KEYS": f"ed25519:{new}, ed25519:{old}"},
        tmp_path,
        production=True,
        crypto_suite="intl",
    )
    settings.TONGBAN_LEDGER_KEYS = parsed
    keys.reset_key_cache()
    signing = keys.signing_signers("gov.example/ledger")
    published = keys.published_keys("gov.example/ledger")
    assert len(signing) == 1 and len(published) == 2
    assert signing[0].private == base64.b64decode(new)
    assert published[0] == signing[0].key


@pytest.mark.parametrize(
    ("raw", "suite", "message"),
    [
        ("rsa:AAAA", "intl", "must look like"),
        ("ed25519", "intl", "must look like"),
        ("ed25519:not-base64!", "intl", "base64"),
        ("ed25519:AAAA", "intl", "ed25519 keys are 32 bytes"),
        (f"sm2:{SEED}", "intl", "must look like"),
        (f"ed25519:{SEED},ed25519:{SEED}", "intl", "a key twice"),
        (f"sm2:{SEED}:{PUBLIC}", "intl", "needs an ed25519"),
        (f"ed25519:{SEED}", "gm", "needs an sm2 key"),
    ],
    ids=["rsa", "no-key", "not-base64", "short", "sm2-no-public", "twice", "no-ed25519", "gm"],
)
def test_bad_keys_are_refused(raw, suite, message, tmp_path):
    with pytest.raises(env.SettingError, match=message) as refused:
        env.ledger_keys(
            {"TONGBAN_LEDGER_KEYS": raw}, tmp_path, production=False, crypto_suite=suite
        )
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("origin", ["has space/ledger", "a+b/ledger", "/leading-slash", "x" * 201])
def test_bad_origins_are_refused(origin):
    with pytest.raises(env.SettingError, match="TONGBAN_LEDGER_ORIGIN"):
        env.ledger_origin({"TONGBAN_LEDGER_ORIGIN": origin}, production=False)


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({"TONGBAN_LEDGER_KEYS": "ed25519:AAAA"}, "TONGBAN_LEDGER_KEYS"),
        ({"TONGBAN_LEDGER_ORIGIN": "not an origin"}, "TONGBAN_LEDGER_ORIGIN"),
    ],
)
def test_a_bad_ledger_setting_stops_start_up_with_one_line(environ, setting, tongban_command):
    result = tongban_command("check", env=environ)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tongban: {setting}"), result.stderr


def test_an_sm2_public_key_that_is_not_its_private_keys_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    from tongban.core import crypto

    one, two = crypto.suite("gm").generate_signing_key(), crypto.suite("gm").generate_signing_key()
    settings.TONGBAN_LEDGER_KEYS = [
        ("ed25519", SEED, ""),
        ("sm2", base64.b64encode(one.private).decode(), base64.b64encode(two.public).decode()),
    ]
    keys.reset_key_cache()
    with pytest.raises(ImproperlyConfigured, match="does not belong"):
        keys.configured_signers("gov.example/ledger")
    keys.reset_key_cache()
