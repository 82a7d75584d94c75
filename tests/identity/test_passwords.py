"""Passwords as the platform stores them: argon2 (the tests' session-wide MD5 shortcut aside),
older hashes upgraded at sign-in, and the 8–64 character bounds exactly at their edges."""

import importlib

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.identity.conftest import new_id_number
from tongban.identity import services
from tongban.identity.models import Account, Person

pytestmark = pytest.mark.django_db

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def platform_hashers() -> list[str]:
    """PASSWORD_HASHERS as the settings module defines them, before tests/conftest.py puts
    a fast hasher first on the live settings object."""
    return list(importlib.import_module("tongban.config.settings").PASSWORD_HASHERS)


def test_argon2_is_the_platforms_hasher_and_nothing_weaker_is_configured():
    hashers = platform_hashers()
    assert hashers[0] == ARGON2
    assert not any("MD5" in h or "SHA1" in h or "Unsalted" in h for h in hashers)


def register(password: str):
    return services.register_citizen(
        real_name="口令甲",
        id_number=new_id_number(),
        phone="13655550000",
        email="",
        password=password,
    )


def test_registration_stores_an_argon2id_hash_under_the_platforms_settings():
    with override_settings(PASSWORD_HASHERS=platform_hashers()):
        account = register("a long pass phrase")
        account.refresh_from_db()
        assert account.password.startswith("argon2$argon2id$")
        assert identify_hasher(account.password).algorithm == "argon2"
        assert account.check_password("a long pass phrase")


def test_an_older_hash_becomes_argon2_at_the_next_sign_in(client, make_citizen):
    account = make_citizen()
    with override_settings(PASSWORD_HASHERS=platform_hashers()):
        legacy = make_password("an old pass phrase", hasher="pbkdf2_sha256")
        Account.objects.filter(pk=account.pk).update(password=legacy)
        response = client.post(
            "/account/login/",
            {"username": account.person.phone, "password": "an old pass phrase"},
        )
        assert response.status_code == 302
        account.refresh_from_db()
        assert account.password.startswith("argon2$")


CHINESE_64 = ("我家门前有两棵枣树" * 8)[:64]


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("tbq8 xv2", True),  # 8
        ("tbq8xv2", False),  # 7
        (("correct horse battery staple " * 3)[:64], True),
        (("correct horse battery staple " * 3)[:65], False),
        (CHINESE_64, True),
        (CHINESE_64 + "。", False),
    ],
)
def test_the_length_bounds_hold_exactly_at_8_and_64(password, accepted, client):
    assert len(password) in (7, 8, 64, 65)
    people = Person.objects.count()
    if accepted:
        account = register(password)
        assert account is not None and account.check_password(password)
        signed_in = client.post(
            "/account/login/", {"username": "13655550000", "password": password}
        )
        assert signed_in.status_code == 302
    else:
        with pytest.raises(ValidationError) as refused:
            register(password)
        assert "password" in refused.value.message_dict
        assert Person.objects.count() == people


def test_changing_to_a_64_character_password_works_and_65_is_refused(client_as, make_citizen):
    from tests.identity.conftest import PASSWORD

    account = make_citizen()
    client = client_as(account)
    longest = ("correct horse battery staple " * 3)[:64]
    refused = client.post(
        "/me/security/",
        {"action": "password", "current_password": PASSWORD, "new_password": longest + "x"},
    )
    assert refused.status_code == 400
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    changed = client.post(
        "/me/security/",
        {"action": "password", "current_password": PASSWORD, "new_password": longest},
    )
    assert changed.status_code == 302
    account.refresh_from_db()
    assert account.check_password(longest)
