"""Password rules beyond Django's own validators (ASVS 2.1: 8–64 characters, no composition)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Refuse passwords longer than `max_length`: long enough for passphrases, short enough
    that hashing cannot be used to tie up the server."""

    def __init__(self, max_length: int = 64):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("Use at most %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self):
        return _("At most %(max)d characters.") % {"max": self.max_length}
