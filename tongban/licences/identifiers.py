"""E-licence identifiers (电子证照标识) with the structure of GB/T 36904-2018.

    1.2.156.3005.2 . 11522600MB1234567X001 . 11522600MB1234567X . 000000000042 . 001 . K
    root           . type code (21)        . issuer code (18)   . serial (12)  . ver . check

- root: the OID arc for Chinese e-licences, `1.2.156.3005.2`;
- type code (证照类型代码): the defining department's unified social credit code and a
  3-digit sequence number within that department;
- issuer code (颁发机构代码): the issuing department's unified social credit code;
- serial (流水号): 12 digits, counted per licence type and issuing department;
- version (版本号): 3 digits, `001` for a first issue;
- check character (校验位): ISO/IEC 7064 MOD 37,36 (GB/T 17710), the hybrid system over the
  alphabet 0-9A-Z, computed over type code + issuer code + serial + version (the characters
  between the root and the check character, without the dots), by python-stdnum's
  `iso7064.mod_37_36`. It catches every single-character substitution; of transpositions of
  adjacent characters it misses about 1 in 600 (a hybrid system's known limit; measured in
  tests/licences/test_identifiers.py). See docs/decisions/0060-licence-identifiers.md.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc
from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"
SERIAL_DIGITS = 12
FIRST_VERSION = "001"
PATTERN = re.compile(
    r"^1\.2\.156\.3005\.2"
    r"\.(?P<type_code>[0-9A-Z]{18}\d{3})"
    r"\.(?P<issuer_code>[0-9A-Z]{18})"
    r"\.(?P<serial>\d{12})"
    r"\.(?P<version>\d{3})"
    r"\.(?P<check>[0-9A-Z])$"
)
MAX_LENGTH = 74


class InvalidIdentifier(ValidationError):
    """An identifier that is malformed or whose check character is wrong; `code` says which."""


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str
    issuer_code: str
    serial: int
    version: str

    @property
    def body(self) -> str:
        return f"{self.type_code}{self.issuer_code}{self.serial:0{SERIAL_DIGITS}d}{self.version}"

    @property
    def check_character(self) -> str:
        return mod_37_36.calc_check_digit(self.body)

    def __str__(self) -> str:
        return (
            f"{ROOT}.{self.type_code}.{self.issuer_code}.{self.serial:0{SERIAL_DIGITS}d}"
            f".{self.version}.{self.check_character}"
        )


def type_code(defining_department_code: str, sequence: int) -> str:
    """证照类型代码: the defining department's credit code and a 3-digit sequence (001-999)."""
    if not 1 <= sequence <= 999:
        raise ValueError("a licence type sequence is 1 to 999")
    return f"{defining_department_code}{sequence:03d}"


def build(*, type_code: str, issuer_code: str, serial: int, version: str = FIRST_VERSION) -> str:
    """The full identifier, check character included."""
    if not 1 <= serial < 10**SERIAL_DIGITS:
        raise ValueError("the serial number does not fit in 12 digits")
    identifier = str(LicenceIdentifier(type_code, issuer_code, serial, version))
    parse(identifier)  # the parts themselves must be well-formed
    return identifier


def parse(text: str) -> LicenceIdentifier:
    """Split a well-formed identifier, or raise `InvalidIdentifier` with code
    `identifier_malformed` or `identifier_check` (the check character does not match)."""
    text = (text or "").strip().upper()
    match = PATTERN.match(text) if len(text) <= MAX_LENGTH else None
    if not match:
        raise InvalidIdentifier(
            _("This is not an e-licence identifier (1.2.156.3005.2.…)."), "identifier_malformed"
        )
    for code in (match["type_code"][:18], match["issuer_code"]):
        try:
            uscc.validate(code)
        except stdnum_errors.ValidationError:
            raise InvalidIdentifier(
                _("The identifier names a department code that is not valid."),
                "identifier_malformed",
            ) from None
    if int(match["serial"]) == 0:
        raise InvalidIdentifier(
            _("This is not an e-licence identifier (1.2.156.3005.2.…)."), "identifier_malformed"
        )
    parsed = LicenceIdentifier(
        match["type_code"], match["issuer_code"], int(match["serial"]), match["version"]
    )
    if parsed.check_character != match["check"]:
        raise InvalidIdentifier(
            _("The identifier's check character is wrong: it was mistyped or altered."),
            "identifier_check",
        )
    return parsed
