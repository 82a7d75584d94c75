"""Sign-in by ID number, mobile phone number or email address (citizens) or login (officials)."""

import re

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from tongban.identity.addresses import normalized_identifier
from tongban.identity.models import Account, Person

PHONE = re.compile(r"^1\d{10}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def account_for(identifier: str) -> Account | None:
    """The account an identifier names, or None. One indexed lookup whatever its kind."""
    value = normalized_identifier(identifier)
    if not value:
        return None
    if ID_NUMBER.match(value):
        person = Person.objects.filter(id_number_index=Person.index_for(value))
    elif PHONE.match(value):
        person = Person.objects.filter(phone_index=Person.phone_index_for(value))
    elif "@" in value:
        person = Person.objects.filter(email=value)
    else:
        return Account.objects.filter(login=identifier.strip()).first()
    found = person.filter(account__isnull=False).select_related("account").first()
    return found.account if found else None


class IdentifierBackend(ModelBackend):
    """Django's ModelBackend with Tongban's identifiers. Runs the hasher even for an unknown
    identifier, so timing does not tell whether an account exists."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        account = account_for(username)
        if account is None:
            make_password(password)
            return None
        if account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None
