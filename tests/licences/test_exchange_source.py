"""Licences as a data source of the exchange gateway (免提交): a department's system reads a
holder's licence data under a grant, every call is logged, and the holder sees the access on
数据使用记录 and in the wallet. The exchange reaches the licences through a registered source,
never an import."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.exchange.conftest import calendar_ahead, token_for
from tests.licences.conftest import Report, client_for, make_citizen
from tongban.core.api import Conflict
from tongban.core.models import Department
from tongban.demo.city import department_code
from tongban.demo.licences import person_record
from tongban.exchange import services as exchange
from tongban.exchange import sources
from tongban.exchange.models import AccessLog, Registry, Resource
from tongban.licences import services, sharing
from tongban.licences.models import Licence, LicenceType

pytestmark = pytest.mark.django_db

ACTOR = "system:test"
MARRIAGE = "licence-marriage_certificate"


def department(short: str) -> Department:
    return Department.objects.get(credit_code=department_code(short))


@pytest.fixture
def police_system(city):
    """公安局's system, e.g. its household-registration system handling a 户口迁移."""
    calendar_ahead()
    client, secret = exchange.register_system_client(
        actor=ACTOR,
        department=department("公安局"),
        name="hukou",
        mediator_id=f"CN/GOV/{department_code('公安局')}/hukou",
    )
    client.secret = secret
    return client


def grant(consumer, registry_code: str, fields: list[str]):
    grant = exchange.request_grant(
        actor=ACTOR,
        consumer=consumer,
        resource=Resource.objects.get(registry__code=registry_code),
        fields=fields,
        purpose="户口迁移",
        legal_basis="户口登记条例",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        idempotency_key=exchange.new_idempotency_key(),
    )
    grant = exchange.check_compliance(actor=ACTOR, grant=grant, approve=True)
    return exchange.answer_grant(actor=ACTOR, grant=grant, approve=True)


def lookup(bearer: str, subject_id: str, fields: list[str], registry: str = MARRIAGE):
    return Client().post(
        "/api/v1/exchange/lookups",
        data=json.dumps(
            {
                "registry": registry,
                "subject_id": subject_id,
                "fields": fields,
                "purpose": "户口迁移",
                "case_reference": "HK-2026-0001",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )


def test_every_licence_type_is_a_catalogued_registry_of_its_defining_department(city):
    for licence_type in LicenceType.objects.select_related("defining_department"):
        registry = Registry.objects.get(code=sharing.registry_code(licence_type.code))
        assert registry.source == "licence" and registry.name == licence_type.name
        assert registry.department == licence_type.defining_department
        assert set(licence_type.field_schema["properties"]) <= set(registry.field_names)
        resource = Resource.objects.get(registry=registry)
        assert resource.sharing == Resource.Sharing.CONDITIONAL
    assert sources.is_registered("licence")


def test_a_department_reads_the_marriage_certificate_under_a_grant_and_the_holder_sees_it(
    city, police_system
):
    zhangwei = person_record("zhangwei", Report())
    grant(police_system, MARRIAGE, ["spouse_name", "registration_date", "licence_identifier"])
    bearer = token_for(Client(), police_system)

    response = lookup(bearer, zhangwei.id_number, ["spouse_name", "licence_identifier"])
    assert response.status_code == 200, response.content
    body = response.json()
    licence = Licence.objects.get(holder_person=zhangwei, licence_type__code="marriage_certificate")
    assert body["fields"] == {"licence_identifier": licence.identifier, "spouse_name": "李娜"}
    assert body["record_id"] == licence.identifier
    assert body["source"] == {
        "registry": MARRIAGE,
        "registry_name": "结婚证",
        "department": "示范市民政局",
    }
    line = AccessLog.objects.get(pk=body["access_id"])
    assert (line.result, line.client, line.registry.code) == ("allowed", police_system, MARRIAGE)
    assert line.subject_index == zhangwei.id_number_index
    assert line.fields_returned == ["licence_identifier", "spouse_name"]

    # the holder sees the access on 数据使用记录 and under the licence in the wallet
    account = make_citizen("zhangwei")
    usage = client_for(account).get("/me/data-usage/").content.decode()
    assert "结婚证" in usage and "户口迁移" in usage and "HK-2026-0001" in usage
    wallet = client_for(account).get(f"/licences/{licence.pk}/").content.decode()
    assert 'id="reuses"' in wallet and "示范市公安局" in wallet and "HK-2026-0001" in wallet


def test_without_a_grant_or_for_ungranted_fields_nothing_is_returned_and_the_call_is_logged(
    city, police_system
):
    zhangwei = person_record("zhangwei", Report())
    bearer = token_for(Client(), police_system)
    response = lookup(bearer, zhangwei.id_number, ["spouse_name"])
    assert (response.status_code, response.json()["code"]) == (403, "no_grant")
    assert "李娜" not in response.content.decode()

    grant(police_system, MARRIAGE, ["registration_date"])
    response = lookup(bearer, zhangwei.id_number, ["spouse_name"])
    assert (response.status_code, response.json()["code"]) == (403, "field_not_granted")
    assert "李娜" not in response.content.decode()
    assert list(AccessLog.objects.order_by("id").values_list("result", "registry__code")) == [
        ("no_grant", MARRIAGE),
        ("field_not_granted", MARRIAGE),
    ]
    # refusals are not on the holder's page
    usage = client_for(make_citizen("zhangwei")).get("/me/data-usage/").content.decode()
    assert "HK-2026-0001" not in usage


def test_a_suspended_licence_is_not_found_and_the_call_is_logged(
    senior_card, police_system, retiree, civil_affairs_approver
):
    grant(police_system, "licence-senior_card", ["gender"])
    bearer = token_for(Client(), police_system)
    id_number = retiree.person.id_number
    assert lookup(bearer, id_number, ["gender"], "licence-senior_card").json()["fields"] == {
        "gender": "女"
    }
    services.suspend_licence(licence=senior_card, reason="核查", actor=civil_affairs_approver)
    response = lookup(bearer, id_number, ["gender"], "licence-senior_card")
    assert (response.status_code, response.json()["code"]) == (404, "no_record")
    assert AccessLog.objects.order_by("-id").first().result == "not_found"


def test_licence_registries_are_read_only_and_never_quality_checked(city):
    registry = Registry.objects.get(code=MARRIAGE)
    zhangwei = person_record("zhangwei", Report())
    content = {
        "holder_id_number": zhangwei.id_number,
        "holder_name": "张伟",
        "licence_identifier": "x",
        "licence_issuer": "x",
        "licence_valid_from": "2021-05-20",
        "spouse_name": "假",
        "registration_date": "2021-05-20",
        "registration_office": "x",
    }
    with pytest.raises(Conflict):
        exchange.create_record(actor=ACTOR, registry=registry, content=content)
    with pytest.raises(Conflict):
        exchange.load_records(actor=ACTOR, registry=registry, contents=[content])
    from tongban.exchange.quality import check_all_registries

    assert MARRIAGE not in {run.registry.code for run in check_all_registries()}


def test_a_changed_licence_type_changes_its_registry_and_reserved_names_are_refused(city):
    marriage = LicenceType.objects.get(code="marriage_certificate")
    schema = json.loads(json.dumps(marriage.field_schema))
    schema["properties"]["witness"] = {"type": "string", "title": "证婚人"}
    arguments = {
        "code": marriage.code,
        "name": marriage.name,
        "defining_department": marriage.defining_department,
        "issuing_departments": list(marriage.issuing_departments.all()),
        "holder_kind": marriage.holder_kind,
        "validity_years": marriage.validity_years,
        "age_thresholds": marriage.age_thresholds,
        "layout": marriage.layout,
        "actor": ACTOR,
    }
    services.define_licence_type(field_schema=schema, **arguments)
    registry = Registry.objects.get(code=MARRIAGE)
    assert "witness" in registry.field_names and registry.schema_version == 2

    schema["properties"]["holder_name"] = {"type": "string"}
    with pytest.raises(ValidationError) as refused:
        services.define_licence_type(field_schema=schema, **arguments)
    assert "field_schema" in refused.value.message_dict
    assert (
        "holder_name" not in LicenceType.objects.get(code=marriage.code).field_schema["properties"]
    )


def test_govstack_reads_find_a_licence_by_its_holder_only(city, police_system):
    zhangwei = person_record("zhangwei", Report())
    grant(police_system, MARRIAGE, ["holder_id_number", "spouse_name"])
    bearer = token_for(Client(), police_system)

    def read(content):
        return Client().post(
            f"/govstack/registries/data/{MARRIAGE}/1/read",
            data=json.dumps({"query": {"content": content}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
            HTTP_INFORMATION_MEDIATOR_CLIENT=police_system.mediator_id,
            HTTP_PURPOSE="x",
            HTTP_CASE_REFERENCE="HK-2026-0002",
        )

    found = read({"holder_id_number": zhangwei.id_number})
    assert found.status_code == 200, found.content
    assert found.json()["content"] == {
        "holder_id_number": zhangwei.id_number,
        "spouse_name": "李娜",
    }
    refused = read({"spouse_name": "李娜"})
    assert (refused.status_code, refused.json()["code"]) == (422, "field_not_searchable")
    assert list(AccessLog.objects.order_by("id").values_list("result", flat=True)) == [
        "allowed",
        "field_not_searchable",
    ]
