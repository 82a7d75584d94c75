"""The demo's registries agree with the demo population, its grants work through the gateway,
and 出生登记 finds the newborn's 出生医学证明 without an upload."""

import pytest

from tongban.core.models import Department
from tongban.demo import registries
from tongban.demo.people import BUSINESSES, PEOPLE, business, person
from tongban.demo.seed import seed_demo
from tongban.exchange import gateway, quality, selectors
from tongban.exchange.models import Record, Registry, Resource, SystemClient, subject_index

pytestmark = pytest.mark.django_db

CODES = {
    "population": "公安局",
    "marriage": "民政局",
    "birth_certificate": "卫生健康委员会",
    "social_insurance": "人力资源和社会保障局",
    "medical_insurance": "医疗保障局",
    "market_entity": "市场监督管理局",
    "housing_fund": "住房公积金管理中心",
    "education": "教育局",
    "disability": "残疾人联合会",
    "property": "自然资源和规划局",
}


@pytest.fixture
def demo(db):
    from tests.exchange.conftest import calendar_ahead

    seed_demo()
    calendar_ahead()


def content(code: str, key: str) -> dict | None:
    registry = Registry.objects.get(code=code)
    number = business(key).credit_code if code == "market_entity" else person(key).id_number
    record = Record.objects.filter(
        registry=registry, subject_index=subject_index(registry.subject_kind, number)
    ).first()
    return record.content() if record else None


def test_every_registry_is_held_by_its_department_and_catalogued(demo):
    for code, short in CODES.items():
        registry = Registry.objects.get(code=code)
        assert registry.department.short_name == short
        assert Resource.objects.filter(registry=registry).exists()
    assert set(SystemClient.objects.values_list("department__short_name", flat=True)) == set(
        Department.objects.values_list("short_name", flat=True)
    )
    platform = SystemClient.objects.get(mediator_id__endswith="/platform")
    assert platform.may_read_data_usage


def test_the_registries_agree_with_the_demo_population(demo):
    for p in PEOPLE:
        population = content("population", p.key)
        assert (population is not None) == bool(p.district), p.key
        if population:
            assert (population["marital_status"], population["criminal_record"]) == (
                p.marital_status,
                p.criminal_record,
            )
        assert (content("education", p.key) is not None) == (p.education is not None)
        assert (content("property", p.key) is not None) == p.owns_property, p.key
        assert (content("disability", p.key) is not None) == bool(p.disability)
        fund = content("housing_fund", p.key)
        assert (fund or {}).get("continuous_months", 0) == p.housing_fund_months
        insurance = content("social_insurance", p.key)
        assert (insurance or {}).get("insured_months", 0) == p.pension_insured_months
    assert content("medical_insurance", "wujie")["status"] == "暂停"
    assert content("marriage", "zhangwei")["spouse_id_number"] == person("lina").id_number
    for b in BUSINESSES:
        assert content("market_entity", b.key)["legal_representative_id_number"] == (
            person(b.legal_representative).id_number
        )


def test_the_newborns_birth_certificate_is_fetched_for_birth_registration(demo):
    """出生登记 at 公安局 needs no uploaded 出生医学证明: the registry has it."""
    police = selectors.department_client(Department.objects.get(short_name="公安局"))
    disclosure = gateway.fetch_for_case(
        client=police,
        registry_code="birth_certificate",
        subject_id=person("lina").id_number,
        fields=["certificate_number", "child_name", "birth_date", "father_name"],
        purpose="出生登记（户口登记）",
        case_reference="SF-2026-000123",
    )
    assert disclosure.values == {
        "certificate_number": registries.NEWBORN["certificate_number"],
        "child_name": "张若溪",
        "birth_date": "2026-11-02",
        "father_name": "张伟",
    }
    assert disclosure.registry.department.name == "示范市卫生健康委员会"


def test_the_demo_registries_pass_their_quality_checks(demo):
    for registry in Registry.objects.all():
        run = quality.check_registry(registry=registry)
        assert (registry.code, run.score) == (registry.code, 100.0)


def test_operators_register_clients_and_rotate_secrets(departments, client):
    from io import StringIO

    from django.core.management import call_command

    from tests.exchange.conftest import token_for

    out = StringIO()
    call_command(
        "exchange-client",
        "register",
        "--department",
        departments["税务局"].credit_code,
        "--name",
        "征管系统",
        "--mediator-id",
        "CN/GOV/tax/collection",
        stdout=out,
    )
    values = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    system = SystemClient.objects.get(application__client_id=values["client_id"])
    system.secret = values["client_secret"]
    assert token_for(client, system)
    out = StringIO()
    call_command("exchange-client", "rotate", values["client_id"], stdout=out)
    new = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    assert new["client_secret"] != values["client_secret"]
    system.secret = new["client_secret"]
    assert token_for(client, system)
