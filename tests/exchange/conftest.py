"""Fixtures for the exchange: the demo city's departments, a small registry, system clients
with real OAuth 2 tokens, officials with roles, and citizens."""

import base64
import datetime
import json

import pytest
from django.utils import timezone

from tongban.core.models import Department
from tongban.demo import city
from tongban.demo.codes import id_number
from tongban.demo.seed import SeedReport
from tongban.exchange import services
from tongban.exchange.models import Registry, Resource
from tongban.identity.models import Account, Official, OfficialRole, Person

ACTOR = "system:test"
ZHANG = id_number("522622", datetime.date(1992, 5, 14), 31)
LI = id_number("522623", datetime.date(1994, 8, 2), 42)
WANG = id_number("522624", datetime.date(1959, 3, 8), 22)

PEOPLE_SCHEMA = {
    "type": "object",
    "required": ["id_number", "name", "marital_status"],
    "properties": {
        "id_number": {"type": "string", "title": "公民身份号码"},
        "name": {"type": "string", "title": "姓名", "x-sensitive": True},
        "marital_status": {"type": "string", "enum": ["未婚", "已婚", "离异", "丧偶"]},
        "district": {"type": "string", "format": "gb2260"},
        "birth_date": {"type": "string", "format": "date"},
        "children": {"type": "integer", "minimum": 0},
    },
}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Accounts and client secrets are hashed in every test: use a fast hasher here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_registry_cache():
    """Each test has its own registries: forget the gateway's per-process cache."""
    from tongban.exchange.callers import forget_tokens
    from tongban.exchange.gateway import forget_rate_counts, forget_registries

    forget_registries()
    forget_tokens()
    forget_rate_counts()
    yield
    forget_registries()
    forget_tokens()
    forget_rate_counts()


def calendar_ahead():
    """Working-day deadlines need this year's calendar (a transactional test's flush removes
    what the migration loaded) and may run into next year: load what the package has, and
    give later years an empty table as an operator would once their holidays are published."""
    from tongban.core.calendar import package_years
    from tongban.core.models import CalendarYear
    from tongban.core.services import load_package_calendar, set_calendar_year

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        if year in package_years():
            load_package_calendar(year, actor=ACTOR)
        else:
            set_calendar_year(year=year, exceptions=[], source="operator", actor=ACTOR)


@pytest.fixture
def departments(db):
    city.seed(SeedReport())
    calendar_ahead()
    return {d.short_name: d for d in Department.objects.all()}


@pytest.fixture
def make_registry(departments):
    def make(code="people", owner="公安局", schema=None, sharing="conditional", cycle="daily"):
        registry = services.create_registry(
            actor=ACTOR,
            department=departments[owner],
            code=code,
            name=f"{code} registry",
            subject_kind="id_number",
            subject_field="id_number",
            schema=schema or PEOPLE_SCHEMA,
        )
        services.save_resource(
            actor=ACTOR,
            registry=registry,
            code=f"R/{code}",
            name=f"{code} resource",
            summary="test",
            sharing=sharing,
            sharing_conditions="" if sharing == "unconditional" else "for tests",
            openness="closed",
            update_cycle=cycle,
        )
        return registry

    return make


@pytest.fixture
def people(make_registry) -> Registry:
    """A conditionally shared registry of 公安局 with two records."""
    registry = make_registry()
    for number, name, status in ((ZHANG, "张伟", "已婚"), (LI, "李娜", "已婚")):
        services.create_record(
            actor=ACTOR,
            registry=registry,
            content={"id_number": number, "name": name, "marital_status": status},
        )
    return registry


@pytest.fixture
def make_client(departments):
    """A registered system client of a department, with its plain secret attached."""

    def make(short="民政局", name="system", **options):
        client, secret = services.register_system_client(
            actor=ACTOR,
            department=departments[short],
            name=name,
            mediator_id=f"CN/GOV/{departments[short].credit_code}/{name}",
            **options,
        )
        client.secret = secret
        return client

    return make


def token_for(django_client, system_client) -> str:
    """A real access token from /oauth/token/ (client credentials, HTTP Basic)."""
    basic = base64.b64encode(
        f"{system_client.application.client_id}:{system_client.secret}".encode()
    ).decode()
    response = django_client.post(
        "/oauth/token/",
        {"grant_type": "client_credentials", "scope": "exchange"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def token(client):
    return lambda system_client: token_for(client, system_client)


@pytest.fixture
def grant_for():
    def make(consumer, registry, fields, *, expires_on=None, **options):
        grant = services.request_grant(
            actor=ACTOR,
            consumer=consumer,
            resource=Resource.objects.get(registry=registry),
            fields=fields,
            purpose="test purpose",
            legal_basis="test basis",
            expires_on=expires_on or timezone.localdate() + datetime.timedelta(days=30),
            idempotency_key=services.new_idempotency_key(),
            **options,
        )
        if grant.status == grant.Status.AWAITING_COMPLIANCE:
            grant = services.check_compliance(actor=ACTOR, grant=grant, approve=True)
            grant = services.answer_grant(actor=ACTOR, grant=grant, approve=True)
        return grant

    return make


def lookup(django_client, bearer, **body):
    body = {
        "registry": "people",
        "subject_id": ZHANG,
        "fields": ["name"],
        "purpose": "婚姻登记",
        "case_reference": "CASE-1",
        **body,
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    return django_client.post(
        "/api/v1/exchange/lookups",
        data=json.dumps({k: v for k, v in body.items() if v is not None}),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def make_official(departments):
    def make(short, *roles, login=None):
        account = Account.objects.create_user(
            login or f"{short}-{'-'.join(roles) or 'plain'}",
            "a-long-password-1",
            kind=Account.Kind.OFFICIAL,
            display_name=f"{short} official",
        )
        official = Official.objects.create(account=account, department=departments[short])
        for role in roles:
            OfficialRole.objects.create(official=official, role=role)
        return account

    return make


@pytest.fixture
def make_citizen(db):
    def make(number, name, login=None):
        account = Account.objects.create_user(
            login or f"citizen-{number[-4:]}",
            "a-long-password-1",
            kind=Account.Kind.PERSON,
            display_name=name,
        )
        person = Person(account=account, real_name=name, id_number=number)
        person.clean()
        person.save()
        return account

    return make
