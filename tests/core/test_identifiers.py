"""ID numbers and credit codes are validated by python-stdnum; display masks them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.core.identifiers import (
    birth_date,
    clean_credit_code,
    clean_id_number,
    mask_id_number,
    mask_phone,
)
from tongban.demo.codes import credit_code, id_number

VALID_ID = "11010519491231002X"


def test_a_valid_id_number_is_accepted_and_compacted():
    assert clean_id_number(" 11010519491231002x ") == VALID_ID
    assert birth_date(VALID_ID) == datetime.date(1949, 12, 31)


def with_check_digit(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_checksum"),
        ("11010519491231002", "id_length"),
        (with_check_digit("11010519491331002"), "id_component"),  # month 13
        (with_check_digit("99010519491231002"), "id_component"),  # no such region
        ("1101051949123100AX", "id_invalid"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_specific_reason(value, code):
    with pytest.raises(ValidationError) as error:
        clean_id_number(value)
    assert error.value.code == code


def test_a_future_birth_date_is_refused_although_stdnum_accepts_it():
    future = id_number("110105", datetime.date(2030, 1, 1), 11)
    from stdnum.cn import ric

    assert ric.is_valid(future)
    with pytest.raises(ValidationError) as error:
        clean_id_number(future, today=datetime.date(2026, 11, 27))
    assert error.value.code == "id_future"


def test_refusals_are_localized():
    with pytest.raises(ValidationError) as error:
        clean_id_number("110105194912310021")
    with translation.override("zh-hans"):
        assert error.value.messages == ["身份证号码校验码不正确。"]
    with translation.override("en"):
        assert error.value.messages == ["The ID number's check digit is wrong."]


def test_credit_codes():
    code = credit_code("91", "522600", 12345678)
    assert clean_credit_code(code.lower()) == code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        clean_credit_code(wrong)
    assert error.value.code == "uscc_checksum"
    with pytest.raises(ValidationError):
        clean_credit_code("91522600")


def test_masking():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_id_number("12345") == "*****"
    assert mask_id_number("") == ""
    assert mask_phone("13812345678") == "138****5678"
