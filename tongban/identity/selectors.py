"""Reads of identity: who a person may act for, sessions, consents, subject identifiers."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core import crypto
from tongban.identity.models import (
    AccountSession,
    AgentAuthorization,
    AgentScope,
    Business,
    Consent,
    Guardianship,
    IdentityVerification,
    Official,
    Person,
)

# The legal representative, a guardian and the person themselves hold every scope.
ALL_SCOPES = frozenset([*AgentScope.values, "manage_agents"])


@dataclass(frozen=True)
class Relation:
    """How a person may act for a party (acting for another, 代办): the party, the relation
    (`self`, `guardian`, `legal_representative`, `agent`), its scopes and its end date."""

    party: Person | Business
    relation: str
    scopes: frozenset = field(default=ALL_SCOPES)
    valid_until: object = None

    @property
    def reference(self) -> str:
        """The `on_behalf_of` reference for `record_event` ("" when acting for oneself)."""
        return "" if self.relation == "self" else f"{self.party._meta.label_lower}:{self.party.pk}"


def _open_guardianships(today) -> Q:
    return Q(revoked_at__isnull=True, valid_until__gte=today)


def _open_authorizations(today) -> Q:
    return Q(revoked_at__isnull=True, expires_on__gte=today)


def relation_to(*, person: Person, party, scope: str) -> Relation | None:
    """How `person` may act for `party` in `scope`, or None. One query at most."""
    today = timezone.localdate()
    if isinstance(party, Person):
        if party.pk == person.pk:
            return Relation(party, "self")
        guardianship = (
            Guardianship.objects.filter(_open_guardianships(today), guardian=person, ward=party)
            .only("valid_until")
            .first()
        )
        return (
            Relation(party, "guardian", valid_until=guardianship.valid_until)
            if (guardianship)
            else None
        )
    if isinstance(party, Business):
        if party.legal_representative_id == person.pk:
            return Relation(party, "legal_representative")
        authorization = AgentAuthorization.objects.filter(
            _open_authorizations(today), business=party, agent=person
        ).first()
        if authorization and scope in authorization.scopes:
            return Relation(
                party,
                "agent",
                frozenset(authorization.scopes),
                authorization.expires_on,
            )
    return None


def relations_of(*, person: Person) -> list[Relation]:
    """Everyone `person` may act for, themselves first: wards, businesses they represent,
    businesses that authorized them (unexpired). Three queries whatever the counts."""
    today = timezone.localdate()
    relations = [Relation(person, "self")]
    for guardianship in Guardianship.objects.filter(
        _open_guardianships(today), guardian=person
    ).select_related("ward"):
        relations.append(
            Relation(guardianship.ward, "guardian", valid_until=guardianship.valid_until)
        )
    for business in Business.objects.filter(legal_representative=person).order_by("name"):
        relations.append(Relation(business, "legal_representative"))
    for authorization in (
        AgentAuthorization.objects.filter(_open_authorizations(today), agent=person)
        .select_related("business")
        .order_by("business__name")
    ):
        relations.append(
            Relation(
                authorization.business,
                "agent",
                frozenset(authorization.scopes),
                authorization.expires_on,
            )
        )
    return relations


def agents_of(*, business: Business) -> QuerySet[AgentAuthorization]:
    """The business's current agents, soonest expiry first."""
    return (
        AgentAuthorization.objects.filter(
            _open_authorizations(timezone.localdate()), business=business
        )
        .select_related("agent")
        .order_by("expires_on")
    )


def person_by_id_number(id_number: str) -> Person | None:
    """The person with this (already cleaned) ID number, found through its blind index."""
    return (
        Person.objects.select_related("account")
        .filter(id_number_index=Person.index_for(id_number))
        .first()
    )


def verifications_of(*, person: Person) -> QuerySet[IdentityVerification]:
    """How the person's identity was verified, newest first."""
    return (
        IdentityVerification.objects.filter(person=person)
        .select_related("department", "verified_by")
        .order_by("-verified_at", "-id")
    )


def open_sessions(*, account) -> QuerySet[AccountSession]:
    return AccountSession.objects.filter(account=account, ended_at__isnull=True).order_by(
        "-last_seen_at"
    )


def consents_of(*, account) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(account=account)
        .select_related("application")
        .order_by("-granted_at")
    )


def official_with_roles(*, account) -> Official | None:
    return (
        Official.objects.filter(account=account)
        .select_related("department")
        .prefetch_related("roles")
        .first()
    )


def sector_of(application) -> str:
    """The sector a client's subject identifiers are computed for (its own id by default)."""
    client = getattr(application, "tongban_client", None) if application.pk else None
    return client.sector if client else f"client:{application.client_id}"


def pairwise_subject(*, account, application) -> str:
    """The subject identifier (`sub`) of an account as one client sector sees it: a keyed hash,
    stable for that sector, unlinkable across sectors (OpenID Connect Core §8.1)."""
    return crypto.blind_index("oidc-sub", f"{sector_of(application)}\x00{account.pk}")
