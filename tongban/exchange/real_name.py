"""Real-name verification against the population registry (实名核验, L2).

A citizen asks for the name and ID number they registered with to be checked against the
population registry. The platform department's system client reads one field, `name`, through
the gateway under its grant, stating a purpose and a case reference — so the citizen sees the
access in "who used my data", like any other. When the registry's name matches, identity
records L2 `population_registry` with the access-log line as evidence; otherwise nothing
changes and the citizen is told why.

Not one transaction, on purpose: the gateway commits its access-log line before it answers
(ADR 0051), then identity's `verify_identity` writes the new level in its own transaction."""

import datetime
import logging
import secrets
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.models import Department
from tongban.core.permissions import require
from tongban.exchange import gateway, selectors
from tongban.exchange.models import AccessLog, SystemClient
from tongban.identity import services as identity_services
from tongban.identity.models import IdentityVerification, Person
from tongban.identity.predicates import person_of

logger = logging.getLogger(__name__)

PURPOSE = "实名核验：核对姓名与公民身份号码"
FIELDS = ["name"]
ATTEMPTS_PER_DAY = 3
# Middle dots written in names of several ethnic groups (e.g. 阿依古丽·买买提), as typed.
MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", ".": "·"})

REFUSALS = {
    "already": _("Your identity is already verified."),
    "not_found": _(
        "The population registry has no record of your ID number. It holds the residents "
        "registered in this city: bring your ID card to a service counter instead."
    ),
    "mismatch": _(
        "The name you registered with does not match the population registry's record of "
        "your ID number. Nothing was changed. If your name is right, bring your ID card to a "
        "service counter."
    ),
    "too_many": _("You have asked %(count)d times today. Try again tomorrow, or visit a counter."),
    "unavailable": _(
        "The population registry cannot answer now. Nothing was changed: try again later."
    ),
}


class RealNameRefused(Exception):
    """The check did not raise the level; `code` is one of REFUSALS. Nothing changed."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        """The refusal in the active language."""
        return str(REFUSALS[self.code]) % {"count": ATTEMPTS_PER_DAY}


def same_name(registered: str, on_record) -> bool:
    """Whether two spellings are the same name: Unicode NFKC, no spaces, one kind of middle dot."""

    def normal(value) -> str:
        text = unicodedata.normalize("NFKC", str(value or ""))
        return "".join(text.split()).translate(MIDDLE_DOTS)

    return bool(normal(registered)) and normal(registered) == normal(on_record)


def platform_client() -> SystemClient | None:
    """The platform department's system client: the one that reads the registry for it."""
    platform = Department.objects.filter(kind=Department.Kind.PLATFORM).order_by("id").first()
    return selectors.department_client(platform) if platform else None


def attempts_today(person: Person, client: SystemClient) -> int:
    """Reads of this person's record for this purpose in the last 24 hours, counted on the
    access log (refused calls read nothing and do not count)."""
    since = timezone.now() - datetime.timedelta(days=1)
    return AccessLog.objects.filter(
        client=client,
        subject_index=person.id_number_index,
        purpose=PURPOSE,
        at__gte=since,
        result__in=(AccessLog.ALLOWED, AccessLog.NOT_FOUND),
    ).count()


def new_case_reference() -> str:
    """A case reference for one check: shown to the citizen, names no one."""
    return f"SMHY-{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"


def verify_real_name(*, account) -> IdentityVerification:
    """Check the signed-in citizen's registered name and ID number against the population
    registry; on a match, raise them to L2 `population_registry`. Raises `RealNameRefused`
    (nothing changed) or `NotPermitted`. Call it outside any transaction."""
    require(account, "exchange.verify_real_name")
    person = person_of(account)
    if person.assurance >= Person.Assurance.L2:
        raise RealNameRefused("already")
    client = platform_client()
    if client is None:
        logger.warning("real-name verification: the platform department has no system client")
        raise RealNameRefused("unavailable")
    if attempts_today(person, client) >= ATTEMPTS_PER_DAY:
        raise RealNameRefused("too_many")
    try:
        disclosure = gateway.fetch_for_case(
            client=client,
            registry_code=settings.TONGBAN_POPULATION_REGISTRY,
            subject_id=person.id_number,
            fields=FIELDS,
            purpose=PURPOSE,
            case_reference=new_case_reference(),
        )
    except gateway.AccessRefused as refusal:
        logger.warning("real-name verification refused by the gateway: %s", refusal.code)
        raise RealNameRefused("unavailable") from None
    if not disclosure.found:
        raise RealNameRefused("not_found")
    if not same_name(person.real_name, disclosure.values.get("name")):
        raise RealNameRefused("mismatch")
    return identity_services.verify_identity(
        actor=account,
        person=person,
        method=IdentityVerification.Method.POPULATION_REGISTRY,
        evidence=f"exchange.accesslog:{disclosure.access_id}",
    )
