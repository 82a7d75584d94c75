"""GB/T 36904 identifiers: structure, and the ISO/IEC 7064 MOD 37,36 check character."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from tongban.licences import identifiers

TYPE_CODE = "11522600100001027P002"  # 民政局's credit code + 002
ISSUER = "11522600100001027P"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_structure_of_an_identifier():
    text = identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=42)
    root, type_code, issuer, serial, version, _check = text.rsplit(".", 5)
    assert root == "1.2.156.3005.2"
    assert (type_code, issuer, serial, version) == (TYPE_CODE, ISSUER, "000000000042", "001")
    assert len(text) == identifiers.MAX_LENGTH


def test_check_character_is_iso_7064_mod_37_36_over_the_parts_without_dots():
    text = identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=42)
    body = f"{TYPE_CODE}{ISSUER}000000000042001"
    assert text.endswith("." + mod_37_36.calc_check_digit(body))
    assert mod_37_36.is_valid(body + text[-1])


def test_a_known_vector():
    # Worked by hand with ISO/IEC 7064's hybrid MOD 37,36 recursion (M = 36, M + 1 = 37).
    assert (
        mod_37_36.calc_check_digit("11522600100001027P00211522600100001027P000000000001001")
        == (identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=1)[-1])
    )
    assert identifiers.parse(
        identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=1)
    ) == identifiers.LicenceIdentifier(TYPE_CODE, ISSUER, 1, "001")


def test_lower_case_and_spaces_are_tolerated():
    text = identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=7)
    assert identifiers.parse(f"  {text.lower()} ").serial == 7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.2.156.3005.2",
        "1.2.156.3005.1.11522600100001027P002.11522600100001027P.000000000001.001.X",
        "1.2.156.3005.2.11522600100001027P02.11522600100001027P.000000000001.001.X",
        "1.2.156.3005.2.11522600100001027P002.11522600100001027P.00000000001.001.X",
        "1.2.156.3005.2.11522600100001027P002.11522600100001027P.000000000000.001.X",
        "1.2.156.3005.2.11522600100001027Q002.11522600100001027P.000000000001.001.X",
        "1.2.156.3005.2.11522600100001027P002.11522600100001027P.000000000001.001.X.1",
        "x" * 5000,
        "１.２.156",
    ],
)
def test_malformed_identifiers_are_refused(text):
    with pytest.raises(identifiers.InvalidIdentifier) as raised:
        identifiers.parse(text)
    assert raised.value.code == "identifier_malformed"


@settings(deadline=None)  # shared, loaded machines: time is not what is tested
@given(serial=st.integers(1, 10**12 - 1), position=st.integers(0, 53), data=st.data())
def test_every_single_character_change_is_caught(serial, position, data):
    text = identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=serial)
    body = text[len(identifiers.ROOT) + 1 :]
    places = [i for i, c in enumerate(body) if c != "."]
    index = places[position % len(places)]
    allowed = "0123456789" if body[index].isdigit() and index > 40 else ALPHABET
    replacement = data.draw(st.sampled_from([c for c in allowed if c != body[index]]))
    altered = identifiers.ROOT + "." + body[:index] + replacement + body[index + 1 :]
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.parse(altered)


def test_adjacent_transpositions_are_almost_always_caught():
    """A hybrid MOD 37,36 system misses a few transpositions (e.g. 34 -> 43 in some places);
    over a fixed sample the miss rate stays near 1 in 600."""
    rng = random.Random(36904)
    tried = missed = 0
    for _ in range(3000):
        text = identifiers.build(
            type_code=TYPE_CODE, issuer_code=ISSUER, serial=rng.randrange(1, 10**12)
        )
        i = rng.randrange(len(identifiers.ROOT) + 1, len(text) - 3)
        if text[i] == text[i + 1] or "." in text[i : i + 2]:
            continue
        tried += 1
        try:
            identifiers.parse(text[:i] + text[i + 1] + text[i] + text[i + 2 :])
        except identifiers.InvalidIdentifier:
            continue
        missed += 1
    assert tried > 1500
    assert missed / tried < 0.005


def test_wrong_check_character_has_its_own_code():
    text = identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=5)
    wrong = text[:-1] + ("A" if text[-1] != "A" else "B")
    with pytest.raises(identifiers.InvalidIdentifier) as raised:
        identifiers.parse(wrong)
    assert raised.value.code == "identifier_check"


def test_type_code_and_serial_ranges():
    assert identifiers.type_code(ISSUER, 3) == ISSUER + "003"
    with pytest.raises(ValueError):
        identifiers.type_code(ISSUER, 1000)
    with pytest.raises(ValueError):
        identifiers.build(type_code=TYPE_CODE, issuer_code=ISSUER, serial=10**12)
