"""National identifiers: thin wrappers over python-stdnum, plus masking for display.

- 公民身份号码 (GB 11643): `stdnum.cn.ric`, plus a refusal of future birth dates, which
  python-stdnum accepts.
- 统一社会信用代码 (GB 32100): `stdnum.cn.uscc`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc


def clean_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Return the compact, upper-case ID number, or raise a localized ValidationError."""
    try:
        number = ric.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(_("The ID number's check digit is wrong."), "id_checksum") from None
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("An ID number has 18 characters."), "id_length") from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("The ID number's birth date or region code is not valid."), "id_component"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("This is not a valid ID number."), "id_invalid") from None
    if ric.get_birth_date(number) > (today or timezone.localdate()):
        raise ValidationError(_("The ID number's birth date is in the future."), "id_future")
    return number


def clean_credit_code(value: str) -> str:
    """Return the compact unified social credit code, or raise a localized ValidationError."""
    try:
        return uscc.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The unified social credit code's check character is wrong."), "uscc_checksum"
        ) from None
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), "uscc_length"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("This is not a valid unified social credit code."), "uscc_invalid"
        ) from None


def birth_date(id_number: str) -> datetime.date:
    """The birth date encoded in a valid ID number."""
    return ric.get_birth_date(id_number)


def mask_id_number(value: str) -> str:
    """Mask an ID number for display: the region code and the last four stay visible.

    `110105194912310021` becomes `110105********0021`; anything that is not 18 characters
    long is masked entirely, so a malformed value never leaks either."""
    value = (value or "").strip()
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def mask_phone(value: str) -> str:
    """Mask a mobile number for display: `13812345678` becomes `138****5678`."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
