"""The GovStack Digital Registries API against its YAML: both spellings, metadata for every
registered client, records only under grants (and logged), writes for the owner only."""

import json

import pytest
from django.test import override_settings

from tests.exchange.conftest import LI, WANG, ZHANG
from tests.exchange.govstack_spec import DATA, DATABASE, assert_matches_spec
from tongban.exchange.models import AccessLog, Record, Registry

pytestmark = pytest.mark.django_db

BASE = "/govstack/registries"


@pytest.fixture
def police(make_client):
    return make_client("公安局", "population")


@pytest.fixture
def civil(make_client):
    return make_client("民政局", "marriage")


@pytest.fixture
def call(client, token):
    """`call(system, method, path, body=None, **headers)` with bearer and mediator header."""
    tokens = {}

    def send(system, method, path, body=None, mediator=True, **headers):
        if system is not None and system.pk not in tokens:
            tokens[system.pk] = token(system)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if system is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {tokens[system.pk]}"
            if mediator:
                extra["HTTP_INFORMATION_MEDIATOR_CLIENT"] = system.mediator_id
        kwargs = {"content_type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        return getattr(client, method)(f"{BASE}{path}", data=data, **kwargs, **extra)

    return send


READ = {"purpose": "%E5%A9%9A%E5%A7%BB%E7%99%BB%E8%AE%B0", "case_reference": "MZ-2026-1"}


def headers(**more):
    return {"Purpose": READ["purpose"], "Case-Reference": READ["case_reference"], **more}


def test_databases_and_database_match_the_spec_for_any_registered_client(people, civil, call):
    response = call(civil, "get", "/databases")
    assert response.status_code == 200
    assert_matches_spec(response, DATABASE, "/databases", "get")
    assert [d["name"] for d in response.json()["databases"]] == ["people"]
    one = call(civil, "get", f"/database/{people.pk}")
    assert_matches_spec(one, DATABASE, "/database/{id}", "get")
    assert one.json()["schema"] == people.schema
    assert one.json()["institution"] == "示范市公安局"
    assert call(None, "get", "/databases").status_code == 401


def test_read_exists_and_list_under_a_grant_match_the_spec(people, civil, call, grant_for):
    grant_for(civil, people, ["id_number", "name", "marital_status"])
    query = {"query": {"content": {"id_number": ZHANG}}}
    read = call(civil, "post", "/data/people/1/read", query, **headers())
    assert read.status_code == 200, read.content
    assert_matches_spec(read, DATA, "/data/{registryName}/{versionNumber}/read", "post")
    assert read.json()["content"] == {"id_number": ZHANG, "name": "张伟", "marital_status": "已婚"}
    exists = call(civil, "post", "/data/people/1.0/exists", query, **headers())
    assert_matches_spec(exists, DATA, "/data/{registryName}/{versionNumber}/exists", "post")
    assert exists.json()["answer"]["status"] is True
    listed = call(civil, "get", "/data/people/1?query.marital_status=已婚&pageSize=1", **headers())
    assert_matches_spec(listed, DATA, "/data/{registryName}/{versionNumber}", "get")
    assert listed.json()["count"] == 2 and len(listed.json()["results"]) == 1
    assert listed.json()["next"]
    lines = AccessLog.objects.order_by("id")
    assert [line.result for line in lines] == ["allowed", "allowed", "allowed"]
    assert {line.purpose for line in lines} == {"婚姻登记"}
    assert {line.channel for line in lines} == {"govstack"}


def test_read_of_a_missing_record_is_the_specs_404(people, civil, call, grant_for):
    grant_for(civil, people, ["id_number", "name"])
    missing = call(
        civil,
        "post",
        "/data/people/1/read",
        {"query": {"content": {"id_number": WANG}}},
        **headers(),
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no record found"
    assert_matches_spec(missing, DATA, "/data/{registryName}/{versionNumber}/read", "post")
    assert AccessLog.objects.get().result == "not_found"


def test_only_granted_fields_come_back_and_queries_need_granted_fields(
    people, civil, call, grant_for
):
    grant_for(civil, people, ["id_number", "marital_status"])
    read = call(
        civil,
        "post",
        "/data/people/1/read",
        {"query": {"content": {"id_number": LI}}},
        **headers(),
    )
    assert read.json()["content"] == {"id_number": LI, "marital_status": "已婚"}
    by_name = call(
        civil,
        "post",
        "/data/people/1/read",
        {"query": {"content": {"name": "李娜"}}},
        **headers(),
    )
    assert (by_name.status_code, by_name.json()["code"]) == (403, "field_not_granted")


@pytest.mark.parametrize("spelling", ["readValue", "read-value"])
def test_read_value_in_both_spellings(people, civil, call, grant_for, spelling):
    grant_for(civil, people, ["marital_status"])
    record = Record.objects.get(registry=people, subject_index=Record.objects.first().subject_index)
    response = call(
        civil, "get", f"/data/people/1/{record.uid}/{spelling}/marital_status.json", **headers()
    )
    assert response.status_code == 200, response.content
    assert_matches_spec(
        response, DATA, "/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}", "get"
    )
    assert response.json() == {"value": "已婚"}


def test_reads_without_grant_header_purpose_or_case_are_refused_and_logged(people, civil, call):
    query = {"query": {"content": {"id_number": ZHANG}}}
    cases = [
        (call(civil, "post", "/data/people/1/read", query, **headers()), 403, "no_grant"),
        (
            call(civil, "post", "/data/people/1/read", query, mediator=False, **headers()),
            400,
            "missing_mediator_header",
        ),
        (call(civil, "post", "/data/people/1/read", query), 422, "missing_purpose"),
        (call(civil, "post", "/data/people/9/read", query, **headers()), 404, "unknown_registry"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json().get("code")) == (status, code)
    assert list(AccessLog.objects.order_by("id").values_list("result", flat=True)) == [
        "no_grant",
        "missing_mediator_header",
        "missing_purpose",
        "unknown_registry",
    ]


def test_the_owner_writes_create_update_and_delete(people, police, call):
    created = call(
        police,
        "post",
        "/data/people/1/create",
        {"write": {"content": {"id_number": WANG, "name": "王秀英", "marital_status": "丧偶"}}},
    )
    assert created.status_code == 200, created.content
    assert_matches_spec(created, DATA, "/data/{registryName}/{versionNumber}/create", "post")
    update = call(
        police,
        "put",
        "/data/people/1/update",
        {"query": {"content": {"id_number": WANG}}, "write": {"content": {"children": 2}}},
    )
    assert update.status_code == 200
    assert_matches_spec(update, DATA, "/data/{registryName}/{versionNumber}/update", "put")
    record = Record.objects.get(
        registry=people,
        uid__in=Record.objects.values("uid"),
        subject_index=Record.objects.order_by("-id").first().subject_index,
    )
    assert record.content()["children"] == 2 and record.version == 2
    deleted = call(police, "delete", f"/data/people/1/{record.uid}/delete")
    assert deleted.status_code == 204
    assert not Record.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("spelling", ["updateEntries", "update-entries"])
def test_update_entries_in_both_spellings(people, police, call, spelling):
    response = call(
        police,
        "put",
        f"/data/people/1/{spelling}",
        {"query": {"content": {"marital_status": "已婚"}}, "write": {"content": {"children": 1}}},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"updated": 2}
    assert_matches_spec(response, DATA, "/data/{registryName}/{versionNumber}/updateEntries", "put")
    assert {r.content()["children"] for r in Record.objects.filter(registry=people)} == {1}


@pytest.mark.parametrize("spelling", ["updateOrCreate", "update-or-create"])
def test_update_or_create_in_both_spellings(people, police, call, spelling):
    body = {
        "query": {"content": {"id_number": WANG}},
        "write": {"content": {"id_number": WANG, "name": "王秀英", "marital_status": "丧偶"}},
    }
    first = call(police, "post", f"/data/people/1/{spelling}", body)
    assert first.status_code == 200, first.content
    assert_matches_spec(first, DATA, "/data/{registryName}/{versionNumber}/updateOrCreate", "post")
    body["write"]["content"]["marital_status"] = "已婚"
    second = call(police, "post", f"/data/people/1/{spelling}", body)
    assert second.json()["content"]["marital_status"] == "已婚"
    assert Record.objects.filter(registry=people).count() == 3


def test_others_may_not_write_and_bad_writes_name_each_field(people, civil, police, call):
    foreign = call(
        civil,
        "post",
        "/data/people/1/create",
        {"write": {"content": {"id_number": WANG, "name": "x", "marital_status": "丧偶"}}},
    )
    assert foreign.status_code == 403
    bad = call(
        police,
        "post",
        "/data/people/1/create",
        {"write": {"content": {"id_number": "123", "marital_status": "maybe", "x": 1}}},
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"id_number", "name", "marital_status", "x"}
    assert Record.objects.filter(registry=people).count() == 2


@pytest.mark.parametrize("path", ["/data/myPersonalDataUsage", "/data/MyPersonalDataUsage/1.0"])
def test_personal_data_usage_in_both_spellings(people, civil, call, grant_for, make_client, path):
    grant_for(civil, people, ["id_number", "name"])
    call(
        civil,
        "post",
        "/data/people/1/read",
        {"query": {"content": {"id_number": ZHANG}}},
        **headers(),
    )
    portal = make_client("政务服务和数据管理局", "portal", may_read_data_usage=True)
    response = call(portal, "get", f"{path}?userId={ZHANG}&databaseId=people")
    assert response.status_code == 200, response.content
    assert_matches_spec(response, DATA, "/data/myPersonalDataUsage", "get")
    [usage] = response.json()
    assert usage["readerInstitutionName"] == "示范市民政局"
    assert usage["refrences"] == [{"ReferenceID": "MZ-2026-1"}]
    assert usage["fields"] == ["id_number", "name"]
    # a system not allowed to act for citizens gets nothing
    assert call(civil, "get", f"{path}?userId={ZHANG}&databaseId=people").status_code == 403


def test_database_modify_creates_and_evolves_a_registry(departments, police, call):
    schema = {
        "type": "object",
        "title": "枪支登记",
        "x-subject-field": "owner",
        "x-subject-kind": "id_number",
        "required": ["owner"],
        "properties": {"owner": {"type": "string"}, "licence": {"type": "string"}},
    }
    created = call(police, "post", "/database/modify", {"code": "guns", "schema": schema})
    assert created.status_code == 200, created.content
    assert_matches_spec(created, DATABASE, "/database/modify", "post")
    registry = Registry.objects.get(code="guns")
    assert registry.department.short_name == "公安局"
    schema["properties"]["calibre"] = {"type": "string"}
    evolved = call(police, "post", "/database/modify", {"code": "guns", "schema": schema})
    assert evolved.status_code == 200
    registry.refresh_from_db()
    assert registry.schema_version == 2
    del schema["properties"]["licence"]
    refused = call(police, "post", "/database/modify", {"code": "guns", "schema": schema})
    assert refused.status_code == 422
    deleted = call(police, "delete", f"/database/{registry.pk}")
    assert deleted.status_code == 200 and deleted.json() == "Success"
    registry.refresh_from_db()
    assert registry.is_archived


def test_trusted_mediators_name_the_caller_only_from_their_addresses(
    people, civil, client, grant_for
):
    grant_for(civil, people, ["id_number", "name"])

    def read():
        return client.post(
            f"{BASE}/data/people/1/read",
            data=json.dumps({"query": {"content": {"id_number": ZHANG}}}),
            content_type="application/json",
            HTTP_INFORMATION_MEDIATOR_CLIENT=civil.mediator_id,
            HTTP_PURPOSE="x",
            HTTP_CASE_REFERENCE="y",
        )

    assert read().status_code == 401  # no mediator is trusted by default
    with override_settings(TONGBAN_TRUSTED_MEDIATORS=["127.0.0.0/8"]):
        assert read().json()["content"]["name"] == "张伟"
    with override_settings(TONGBAN_TRUSTED_MEDIATORS=["10.0.0.0/8"]):
        assert read().status_code == 401
    assert list(AccessLog.objects.order_by("id").values_list("result", flat=True)) == [
        "unauthenticated",
        "allowed",
        "unauthenticated",
    ]


def test_an_unknown_system_named_by_a_trusted_mediator_is_refused_and_logged(
    people, civil, client, grant_for
):
    grant_for(civil, people, ["id_number", "name"])
    with override_settings(TONGBAN_TRUSTED_MEDIATORS=["127.0.0.0/8"]):
        response = client.post(
            f"{BASE}/data/people/1/read",
            data=json.dumps({"query": {"content": {"id_number": ZHANG}}}),
            content_type="application/json",
            HTTP_INFORMATION_MEDIATOR_CLIENT="CN/GOV/000000000000000000/nobody",
            HTTP_PURPOSE="x",
            HTTP_CASE_REFERENCE="y",
        )
    assert (response.status_code, response.json()["code"]) == (401, "unknown_mediator_client")
    assert "张伟" not in response.content.decode()
    line = AccessLog.objects.get()
    assert (line.result, line.client, line.channel) == ("unknown_mediator_client", None, "govstack")


def test_a_query_on_an_encrypted_field_is_refused_and_logged(people, civil, call, grant_for):
    """`name` is x-sensitive: stored sealed, so it cannot be matched, even when granted."""
    grant_for(civil, people, ["id_number", "name", "marital_status"])
    query = {"query": {"content": {"name": "张伟"}}}
    response = call(civil, "post", "/data/people/1/read", query, **headers())
    assert (response.status_code, response.json()["code"]) == (422, "field_not_searchable")
    assert ZHANG not in response.content.decode()
    line = AccessLog.objects.get()
    assert (line.result, line.client, line.registry) == ("field_not_searchable", civil, people)
    assert line.fields_returned == []


def test_the_openapi_document_of_the_govstack_api_is_served(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/govstack/registries/data/{registryName}/{versionNumber}/updateEntries",
        "/govstack/registries/data/{registryName}/{versionNumber}/update-entries",
        "/govstack/registries/data/myPersonalDataUsage",
    ):
        assert path in paths
