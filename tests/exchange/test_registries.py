"""Registries defined at run time: schema checks, record CRUD with versions, schema evolution,
bad writes that change nothing and name each field, and encryption at rest."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from tests.exchange.conftest import ACTOR, LI, PEOPLE_SCHEMA, WANG, ZHANG
from tongban.core import crypto
from tongban.core.api import Conflict
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.exchange import services
from tongban.exchange.models import Record, RecordVersion, Registry, SchemaVersion, subject_index

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Record.objects.values_list("uid", "version", "clear", "sealed")),
        RecordVersion.objects.count(),
        Event.objects.count(),
    )


def test_a_registry_is_defined_at_run_time_with_its_schema_as_version_1(make_registry):
    registry = make_registry("anything")
    assert registry.schema_version == 1
    assert SchemaVersion.objects.get(registry=registry).schema == PEOPLE_SCHEMA
    assert Event.objects.filter(kind="exchange.registry.created").count() == 1


@pytest.mark.parametrize(
    ("schema", "subject_field", "complaint"),
    [
        ({"type": "array"}, "id", "object"),
        ({"type": "object", "properties": {}}, "id", "properties"),
        ({"type": "object", "properties": {"id": {"type": "string"}}}, "id", "required"),
        (
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
            "id",
            "string",
        ),
        (
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "strin"}}},
            "id",
            "JSON Schema",
        ),
        (
            {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "bad name": {"type": "string"}},
            },
            "id",
            "bad name",
        ),
    ],
)
def test_bad_schemas_are_refused_and_nothing_is_created(
    departments, schema, subject_field, complaint
):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.create_registry(
            actor=ACTOR,
            department=departments["公安局"],
            code="bad",
            name="bad",
            subject_kind="id_number",
            subject_field=subject_field,
            schema=schema,
        )
    assert complaint in " ".join(error.value.messages)
    assert not Registry.objects.exists()


def test_records_are_created_read_updated_with_versions_and_deleted(people):
    record = Record.objects.get(subject_index=subject_index("id_number", ZHANG))
    assert record.content() == {"id_number": ZHANG, "name": "张伟", "marital_status": "已婚"}
    record, status = services.update_record(actor=ACTOR, record=record, changes={"children": 1})
    assert (status, record.version) == ("updated", 2)
    _same, status = services.update_record(actor=ACTOR, record=record, changes={"children": 1})
    assert status == "unchanged"
    services.delete_record(actor=ACTOR, record=record)
    history = RecordVersion.objects.filter(record_uid=record.uid).order_by("version")
    assert [(v.version, v.change) for v in history] == [
        (1, "created"),
        (2, "updated"),
        (3, "deleted"),
    ]
    assert not Record.objects.filter(uid=record.uid).exists()
    kinds = Event.objects.filter(subject_id=str(record.uid)).values_list("kind", flat=True)
    assert list(kinds) == [
        "exchange.record.created",
        "exchange.record.updated",
        "exchange.record.deleted",
    ]


def test_a_bad_write_names_every_bad_field_and_changes_nothing(people):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.create_record(
            actor=ACTOR,
            registry=people,
            content={
                "id_number": "52262219920514003X",
                "marital_status": "maybe",
                "district": "12345",
                "birth_date": "1992-13-01",
                "children": -1,
                "salary": 9000,
            },
        )
    assert set(error.value.message_dict) == {
        "id_number",
        "name",
        "marital_status",
        "district",
        "birth_date",
        "children",
        "salary",
    }
    assert snapshot() == before
    record = Record.objects.first()
    with pytest.raises(ValidationError) as error:
        services.update_record(
            actor=ACTOR, record=record, changes={"marital_status": 5, "children": "two"}
        )
    assert set(error.value.message_dict) == {"marital_status", "children"}
    assert snapshot() == before


def test_errors_are_localized(people):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.create_record(actor=ACTOR, registry=people, content={"id_number": ZHANG})
    assert "必填" in " ".join(error.value.message_dict["name"])


def test_a_subject_has_one_record_and_cannot_change_subject(people):
    with pytest.raises(Conflict):
        services.create_record(
            actor=ACTOR,
            registry=people,
            content={"id_number": ZHANG.lower(), "name": "x", "marital_status": "未婚"},
        )
    record = Record.objects.first()
    with pytest.raises(ValidationError):
        services.update_record(actor=ACTOR, record=record, changes={"id_number": WANG})


def test_only_the_owner_writes(people, make_client, make_official):
    civil = make_client("民政局")
    content = {"id_number": WANG, "name": "王秀英", "marital_status": "丧偶"}
    with pytest.raises(NotPermitted):
        services.create_record(actor=civil, registry=people, content=content)
    with pytest.raises(NotPermitted):
        services.create_record(
            actor=make_official("公安局", "approver"), registry=people, content=content
        )
    services.create_record(
        actor=make_official("公安局", "data_admin"), registry=people, content=content
    )
    services.update_record(
        actor=make_client("公安局"), record=Record.objects.last(), changes={"children": 0}
    )


def test_compatible_schema_evolution_is_taken(people):
    schema = copy.deepcopy(people.schema)
    schema["properties"]["phone"] = {"type": "string", "x-sensitive": True}
    schema["properties"]["marital_status"]["enum"].append("再婚")
    schema["properties"]["name"]["title"] = "姓名（中文）"
    schema["required"] = ["id_number", "name"]
    registry, status = services.evolve_schema(actor=ACTOR, registry=people, schema=schema)
    assert (status, registry.schema_version) == ("updated", 2)
    assert SchemaVersion.objects.filter(registry=people).count() == 2
    record = Record.objects.first()
    assert record.schema_version == 1  # written under v1, still valid under v2
    record, _status = services.update_record(actor=ACTOR, record=record, changes={"phone": "139"})
    assert record.schema_version == 2
    assert "139" not in str(record.clear)


def test_breaking_schema_changes_are_refused_and_each_is_named(people):
    schema = copy.deepcopy(people.schema)
    del schema["properties"]["district"]
    schema["properties"]["children"]["type"] = "string"
    schema["properties"]["marital_status"]["enum"] = ["已婚"]
    schema["properties"]["birth_date"]["x-sensitive"] = True
    schema["properties"]["nation"] = {"type": "string"}
    schema["required"].append("nation")
    with pytest.raises(ValidationError) as error:
        services.evolve_schema(actor=ACTOR, registry=people, schema=schema)
    text = " ".join(error.value.messages)  # names stay as they are in any language
    for name in ("district", "children", "marital_status", "birth_date", "nation"):
        assert name in text
    people.refresh_from_db()
    assert people.schema_version == 1


def test_sensitive_fields_and_the_subject_are_encrypted_at_rest(people):
    with connection.cursor() as cursor:
        cursor.execute("SELECT clear, sealed, subject_index FROM exchange_record")
        rows = cursor.fetchall()
    raw = repr(rows)
    for secret in (ZHANG, LI, "张伟", "李娜", "\\u5f20\\u4f1f"):
        assert secret not in raw
    clear = [c if isinstance(c, dict) else json.loads(c) for c, _sealed, _index in rows]
    assert clear == [{"marital_status": "已婚"}] * 2  # clear fields stay searchable
    assert all(str(sealed).startswith("intl:") for _clear, sealed, _index in rows)


def test_a_sealed_blob_moved_to_another_record_is_detected(people):
    first, second = Record.objects.order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM exchange_record WHERE id = %s", [first.pk])
        (sealed,) = cursor.fetchone()
        cursor.execute("UPDATE exchange_record SET sealed = %s WHERE id = %s", [sealed, second.pk])
    with pytest.raises(crypto.DecryptionFailed):
        Record.objects.get(pk=second.pk).content()


def test_records_survive_key_rotation_and_a_suite_change(people, settings):
    old = settings.TONGBAN_DATA_KEYS
    new_key = ("k9", crypto.b64encode(b"\x07" * 32))
    with override_settings(TONGBAN_DATA_KEYS=[new_key, *old], TONGBAN_CRYPTO_SUITE="gm"):
        crypto.reset_key_cache()
        try:
            call_command("reencrypt", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("SELECT sealed FROM exchange_record")
                assert {row[0].split(":")[:2][0] for row in cursor.fetchall()} == {"gm"}
            with override_settings(TONGBAN_DATA_KEYS=[new_key]):
                crypto.reset_key_cache()
                # (blind indexes follow the suite too: a suite change recomputes them)
                names = {r.content()["name"] for r in Record.objects.all()}
                assert names == {"张伟", "李娜"}
        finally:
            crypto.reset_key_cache()


def test_load_records_is_all_or_nothing(people):
    before = snapshot()
    rows = [
        {"id_number": WANG, "name": "王秀英", "marital_status": "丧偶"},
        {"id_number": "bad", "name": "x", "marital_status": "未婚"},
    ]
    with pytest.raises(ValidationError) as error:
        services.load_records(actor=ACTOR, registry=people, contents=rows)
    assert "1.id_number" in error.value.message_dict
    assert snapshot() == before
    assert services.load_records(actor=ACTOR, registry=people, contents=rows[:1]) == 1
    assert Record.objects.count() == 3
