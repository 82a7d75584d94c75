"""The seeded world the matrix runs in: the demo city plus the few objects the demo does not
make (an agent with one scope, a consent, a draft catalogue version, an access-log line about
the applicant and the applicant's dispute of it, a sealed ledger)."""

import datetime
from dataclasses import dataclass

from django.test import Client

from tests.conftest import force_sign_in
from tongban.demo.accounts import DEPARTMENT_LOGINS
from tongban.identity.models import Account

ACTOR = "system:test"
# Who each actor is in the demo city.
APPLICANT = "zhangwei"  # 张伟: a social security card (人社局), a marriage certificate (民政局)
OTHER_APPLICANT = "lina"  # 李娜
AGENT = "maxiaohong"  # 马晓红: agent of 示范市青禾餐饮有限公司 with every scope
AGENT_WITHOUT_SCOPE = "wangxiuying"  # 王秀英: made an agent of the same business for "apply"
OTHER_DEPARTMENT = "税务局"


@dataclass
class World:
    objects: dict
    accounts: dict

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def person_account(key: str) -> Account:
    """The account of the demo person with this key (names are encrypted: found by phone)."""
    from tongban.demo.people import PEOPLE
    from tongban.identity.models import Person

    phone = next(p.phone for p in PEOPLE if p.key == key)
    return Account.objects.get(person__phone_index=Person.phone_index_for(phone))


def official_account(department: str, suffix: str) -> Account:
    return Account.objects.get(login=f"{DEPARTMENT_LOGINS[department]}.{suffix}")


def build_world() -> World:
    from django.db import transaction
    from django.utils import timezone
    from oauth2_provider.models import Application

    from tongban.catalog import services as catalog_services
    from tongban.catalog.models import MatterVersion
    from tongban.exchange import gateway
    from tongban.exchange import services as exchange_services
    from tongban.exchange.callers import Caller
    from tongban.exchange.models import Grant, Registry, SystemClient
    from tongban.identity import services as identity_services
    from tongban.identity.models import AgentAuthorization, Business, Consent
    from tongban.ledger.services import seal_pending_events
    from tongban.licences.models import Licence

    applicant = person_account(APPLICANT)
    business = Business.objects.get(name="示范市青禾餐饮有限公司")
    identity_services.authorize_agent(
        actor=ACTOR,
        business=business,
        agent=person_account(AGENT_WITHOUT_SCOPE).person,
        scopes=["apply"],
        expires_on=datetime.date(2030, 12, 31),
    )
    application = Application.objects.create(
        name="test relying party",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://rp.example.cn/callback",
        algorithm=Application.RS256_ALGORITHM,
    )
    consent = Consent.objects.create(account=applicant, application=application, scopes=["openid"])
    # The applicant's data read by 民政局's system (an access-log line they see), then disputed.
    client = SystemClient.objects.get(mediator_id__endswith="/civil-affairs")
    disclosure = gateway.fetch(
        caller=Caller(client, "internal"),
        registry_code="population",
        subject_id=applicant.person.id_number,
        fields=["name", "marital_status"],
        purpose="婚姻登记",
        case_reference="CASE-MATRIX-1",
    )
    with transaction.atomic():
        correction = exchange_services.dispute_value(
            actor=applicant,
            registry=Registry.objects.get(code="population"),
            field="marital_status",
            claimed_value="未婚",
            reason="matrix test",
            idempotency_key=exchange_services.new_idempotency_key(),
            case_reference="CASE-MATRIX-1",
        )
    published = (
        MatterVersion.objects.filter(status="published", matter__department__short_name="民政局")
        .select_related("matter")
        .first()
    )
    objects = {
        "business": business,
        "agent_authorization": AgentAuthorization.objects.get(
            business=business, agent=person_account(AGENT).person, revoked_at__isnull=True
        ),
        "consent": consent,
        "access_id": disclosure.access_id,
        "correction": correction,
        "grant": Grant.objects.filter(
            consumer=client, resource__registry__code="population"
        ).first(),
        "person_licence": Licence.objects.get(
            holder_person=applicant.person, licence_type__code="social_security_card"
        ),
        "business_licence": Licence.objects.get(
            holder_business=business, licence_type__code="business_licence"
        ),
        "matter": published.matter,
        "published": published,
        "applicant": applicant,
        "official_record": official_account("民政局", "approver").official,
        "today": timezone.localdate(),
    }
    objects["draft"] = catalog_services.start_revision(
        actor=official_account("民政局", "data"), matter=published.matter
    )
    from tongban.catalog.models import LifeEvent
    from tongban.exchange.models import Record, Resource

    population = Registry.objects.get(code="population")
    resource = Resource.objects.get(registry=population)
    objects["draft_content"] = catalog_api_content(published)
    objects["life_event"] = LifeEvent.objects.order_by("code").first().code
    objects["resource_url"] = f"/exchange/catalogue/{resource.code}/"
    objects["population_id"] = population.pk
    objects["population_record"] = str(
        Record.objects.filter(registry=population).order_by("pk").first().uid
    )
    objects["other_session"] = _other_session(applicant)
    seal_pending_events()
    accounts = {
        "applicant": applicant,
        "other_applicant": person_account(OTHER_APPLICANT),
        "agent": person_account(AGENT),
        "agent_without_scope": person_account(AGENT_WITHOUT_SCOPE),
        "operator": official_account("政务服务和数据管理局", "operator"),
        "auditor": official_account("政务服务和数据管理局", "auditor"),
        "official_other": official_account(OTHER_DEPARTMENT, "approver"),
    }
    return World(objects=objects, accounts=accounts)


def _other_session(account):
    """A second open session of `account`, as from another device."""
    from tongban.identity.models import AccountSession

    return AccountSession.objects.create(account=account, session_key="matrix-other-device")


def catalog_api_content(version) -> dict:
    """A version's content as the catalogue API takes it (what GET /versions/{id} answers)."""
    from tongban.catalog.catalogue_format import version_content

    return version_content(version)


class Clients:
    """A signed-in test client per account, made once."""

    def __init__(self, world: World):
        self.world = world
        self._clients: dict[int | None, Client] = {}

    def account(self, actor: str, department: str) -> Account | None:
        if actor == "anonymous":
            return None
        if actor == "official":
            return official_account(department, "approver")
        if actor == "data_admin":
            return official_account(department, "data")
        return self.world.accounts[actor]

    def client(self, actor: str, department: str) -> Client:
        account = self.account(actor, department)
        key = account.pk if account else None
        if key not in self._clients:
            client = Client()
            if account is not None:
                force_sign_in(client, account)
            self._clients[key] = client
        return self._clients[key]
