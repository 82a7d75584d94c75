"""Identity's part of /api/v1/: who am I, whom may I act for, my sessions, colleagues."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongban.core.api import errors
from tongban.core.permissions import require
from tongban.identity import selectors, services
from tongban.identity.models import AccountSession, Official, Person
from tongban.identity.predicates import official_of, person_of

router = Router(tags=["identity"])


class PartyOut(Schema):
    """Someone the caller may act for: `reference` goes into `on_behalf_of`."""

    reference: str
    kind: str
    name: str
    relation: str
    scopes: list[str]
    valid_until: str | None


class MeOut(Schema):
    kind: str
    display_name: str
    assurance: int | None
    masked_id_number: str | None
    department: str | None
    roles: list[str]
    acting_for: list[PartyOut]


class SessionOut(Schema):
    id: int
    started_at: str
    last_seen_at: str
    user_agent: str
    current: bool


class PersonOut(Schema):
    id: int
    name: str
    masked_id_number: str
    assurance: int


class OfficialOut(Schema):
    id: int
    display_name: str
    department: str
    roles: list[str]


def _party(relation) -> dict:
    party = relation.party
    is_person = isinstance(party, Person)
    return {
        "reference": f"{party._meta.label_lower}:{party.pk}",
        "kind": "person" if is_person else "business",
        "name": party.real_name if is_person else party.name,
        "relation": relation.relation,
        "scopes": sorted(relation.scopes),
        "valid_until": str(relation.valid_until) if relation.valid_until else None,
    }


@router.get("/me", response={200: MeOut, **errors(401)}, summary="Who am I")
def me(request):
    account = request.auth
    person, official = person_of(account), official_of(account)
    relations = selectors.relations_of(person=person) if person else []
    return {
        "kind": account.kind,
        "display_name": account.display_name,
        "assurance": person.assurance if person else None,
        "masked_id_number": person.masked_id_number if person else None,
        "department": official.department.name if official else None,
        "roles": sorted(r.role for r in official.roles.all()) if official else [],
        "acting_for": [_party(r) for r in relations],
    }


@router.get("/me/sessions", response={200: list[SessionOut], **errors(401)})
def my_sessions(request):
    current = request.session.session_key
    return [
        {
            "id": s.pk,
            "started_at": s.started_at.isoformat(),
            "last_seen_at": s.last_seen_at.isoformat(),
            "user_agent": s.user_agent,
            "current": s.session_key == current,
        }
        for s in selectors.open_sessions(account=request.auth)
    ]


@router.post("/sessions/{session_id}/end", response={204: None, **errors(401, 403, 404)})
def end_session(request, session_id: int):
    session = get_object_or_404(AccountSession, pk=session_id)
    require(request.auth, "identity.end_session", session)
    services.end_session(
        actor=request.auth, session=session, reason=AccountSession.EndReason.REVOKED
    )
    return 204, None


@router.get("/people/{person_id}", response={200: PersonOut, **errors(401, 403, 404)})
def person(request, person_id: int):
    found = get_object_or_404(Person, pk=person_id)
    require(request.auth, "identity.view_person", found)
    return {
        "id": found.pk,
        "name": found.real_name,
        "masked_id_number": found.masked_id_number,
        "assurance": found.assurance,
    }


@router.get("/officials/{official_id}", response={200: OfficialOut, **errors(401, 403, 404)})
def official(request, official_id: int):
    found = get_object_or_404(
        Official.objects.select_related("account", "department").prefetch_related("roles"),
        pk=official_id,
    )
    require(request.auth, "identity.view_official", found)
    return {
        "id": found.pk,
        "display_name": found.account.display_name,
        "department": found.department.name,
        "roles": sorted(r.role for r in found.roles.all()),
    }
