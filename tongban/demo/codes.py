"""Valid identifiers for fictional demo parties: GB 32100 credit codes, GB 11643 ID numbers."""

import datetime

from stdnum.cn import ric, uscc

ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(serial: int, prefix: str = "") -> str:
    """A GB 11714 organization code (8 characters + check character) for a serial number."""
    body = f"{prefix}{serial:0{8 - len(prefix)}d}"
    remainder = (
        11 - sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    )
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(authority: str, region: str, serial: int) -> str:
    """A unified social credit code: registration authority and category (2), region (6),
    organization code (9) and the GB 32100 check character."""
    body = f"{authority}{region}{organization_code(serial)}"
    return body + uscc.calc_check_digit(body + "0")


def id_number(region: str, born: datetime.date, sequence: int) -> str:
    """A GB 11643 ID number; an odd `sequence` is a man, an even one a woman."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
