"""Sensitive fields are encrypted at rest, readable through the ORM, and re-encryptable."""

import base64
import datetime
import os

import pytest
from django.core.management import call_command
from django.db import connection

from tongban.core import crypto
from tongban.demo.codes import id_number
from tongban.identity.models import Person

pytestmark = pytest.mark.django_db

ID = id_number("522622", datetime.date(1960, 3, 5), 21)


def raw_column(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM identity_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def make_person() -> Person:
    person = Person(real_name="张三", id_number=ID, phone="13800000000")
    person.full_clean()
    person.save()
    return person


def test_values_are_ciphertext_in_the_database_and_plain_through_the_orm():
    person = make_person()
    stored = raw_column(person.pk, "id_number")
    assert ID not in stored and stored.count(":") == 2
    assert "张三" not in raw_column(person.pk, "real_name")
    again = Person.objects.get(id_number_index=Person.index_for(ID))
    assert (again.id_number, again.real_name, again.phone) == (ID, "张三", "13800000000")
    assert again.masked_id_number == ID[:6] + "********" + ID[-4:]


def test_encrypted_fields_cannot_be_filtered_in_plain_text():
    with pytest.raises(TypeError, match="blind index"):
        Person.objects.filter(id_number=ID)


def test_reencrypt_moves_every_value_to_the_current_key(settings):
    person = make_person()
    old = raw_column(person.pk, "id_number")
    settings.TONGBAN_DATA_KEYS = [
        ("k9", base64.b64encode(os.urandom(32)).decode()),
        *settings.TONGBAN_DATA_KEYS,
    ]
    crypto.reset_key_cache()
    try:
        call_command("reencrypt", stdout=open(os.devnull, "w"))  # noqa: SIM115
        new = raw_column(person.pk, "id_number")
        assert new != old and new.split(":")[1] == "k9"
        assert Person.objects.get(pk=person.pk).id_number == ID
    finally:
        crypto.reset_key_cache()
