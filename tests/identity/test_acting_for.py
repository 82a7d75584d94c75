"""Acting for another: guardians for minors, agents (经办人) of businesses with scope and
expiry; the predicate other apps use; both actor and on_behalf_of in every event."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tongban.core.events import record_event
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.identity import selectors, services
from tongban.identity.models import AgentAuthorization, Guardianship
from tongban.identity.predicates import acts_for

pytestmark = pytest.mark.django_db
FUTURE = datetime.date(2031, 1, 1)


@pytest.fixture
def agent(make_citizen, business):
    person = make_citizen("经办乙").person
    services.authorize_agent(
        actor=business.legal_representative.account,
        business=business,
        agent=person,
        scopes=["apply"],
        expires_on=FUTURE,
    )
    return person


def test_an_agent_acts_in_scope_until_expiry(agent, business):
    relation = selectors.relation_to(person=agent, party=business, scope="apply")
    assert relation.relation == "agent" and relation.reference == f"identity.business:{business.pk}"
    assert selectors.relation_to(person=agent, party=business, scope="licences") is None
    AgentAuthorization.objects.update(expires_on=datetime.date(2020, 1, 1))
    assert selectors.relation_to(person=agent, party=business, scope="apply") is None


def test_the_predicate_other_apps_build_on(agent, business, make_citizen):
    predicate = acts_for("apply")
    assert predicate.test(agent.account, business)
    assert not predicate.test(make_citizen(), business)
    assert acts_for("licences").test(business.legal_representative.account, business)
    wrapped = acts_for("apply", party_of=lambda application: application["party"])
    assert wrapped.test(agent.account, {"party": business})
    assert not acts_for("apply").test(None, business)


def test_only_the_legal_representative_authorizes_agents(business, make_citizen):
    stranger, someone = make_citizen(), make_citizen()
    with pytest.raises(NotPermitted):
        services.authorize_agent(
            actor=stranger,
            business=business,
            agent=someone.person,
            scopes=["apply"],
            expires_on=FUTURE,
        )
    assert not AgentAuthorization.objects.exists()


@pytest.mark.parametrize(
    "scopes, expires_on",
    [([], FUTURE), (["launch_rockets"], FUTURE), (["apply"], datetime.date(2001, 1, 1))],
)
def test_bad_authorizations_are_refused_and_change_nothing(
    business, make_citizen, scopes, expires_on
):
    someone = make_citizen()
    before = Event.objects.count()
    with pytest.raises(ValidationError):
        services.authorize_agent(
            actor=business.legal_representative.account,
            business=business,
            agent=someone.person,
            scopes=scopes,
            expires_on=expires_on,
        )
    assert not AgentAuthorization.objects.exists()
    assert Event.objects.count() == before


def test_revoking_an_agent(agent, business):
    authorization = AgentAuthorization.objects.get(agent=agent)
    services.revoke_agent(actor=business.legal_representative.account, authorization=authorization)
    assert selectors.relation_to(person=agent, party=business, scope="apply") is None


def test_guardianship_is_for_minors_and_ends_at_eighteen(make_citizen, make_official):
    clerk = make_official("counter_clerk")
    parent = make_citizen("家长")
    child = make_citizen("孩子", born=datetime.date(2016, 3, 1))
    adult = make_citizen("成年人")
    guardianship, status = services.record_guardianship(
        actor=clerk, guardian=parent.person, ward=child.person, basis="出生医学证明"
    )
    assert status == "created" and guardianship.valid_until == datetime.date(2034, 3, 1)
    assert selectors.relation_to(person=parent.person, party=child.person, scope="apply")
    with pytest.raises(ValidationError):
        services.record_guardianship(
            actor=clerk, guardian=parent.person, ward=adult.person, basis="x"
        )
    with pytest.raises(ValidationError):
        services.record_guardianship(
            actor=clerk, guardian=child.person, ward=child.person, basis="x"
        )
    assert Guardianship.objects.count() == 1


def test_only_a_counter_clerk_records_guardianship(make_citizen, make_official):
    from tongban.core.permissions import NotPermitted

    parent = make_citizen()
    child = make_citizen(born=datetime.date(2016, 3, 1))
    for actor in (parent, make_official("approver")):
        with pytest.raises(NotPermitted):
            services.record_guardianship(
                actor=actor, guardian=parent.person, ward=child.person, basis="x"
            )
    assert not Guardianship.objects.exists()


def test_an_action_for_someone_else_records_both(agent, business):
    from django.db import transaction

    relation = selectors.relation_to(person=agent, party=business, scope="apply")
    with transaction.atomic():
        event = record_event(
            "test.applied",
            subject=business,
            actor=agent.account,
            on_behalf_of=relation.reference,
        )
    assert event.actor == f"identity.account:{agent.account.pk}"
    assert event.on_behalf_of == f"identity.business:{business.pk}"
    authorized = Event.objects.get(kind="identity.agent.authorized")
    assert authorized.on_behalf_of == f"identity.business:{business.pk}"
    assert authorized.actor == f"identity.account:{business.legal_representative.account.pk}"


def test_relations_of_lists_everyone_without_n_plus_one(
    agent, business, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        relations = selectors.relations_of(person=agent)
    assert [r.relation for r in relations] == ["self", "agent"]
    assert relations[1].party.name == business.name


def agent_form(person, scopes=("apply", "track"), expires_on="2030-06-30"):
    return {"id_number": person.id_number, "scopes": list(scopes), "expires_on": expires_on}


def test_the_legal_representative_authorizes_and_revokes_an_agent_in_the_centre(
    business, make_citizen, client_as
):
    agent = make_citizen("新经办").person
    owner = client_as(business.legal_representative.account)
    response = owner.post(f"/me/businesses/{business.pk}/agents/", agent_form(agent))
    assert response.status_code == 302
    relation = selectors.relation_to(person=agent, party=business, scope="track")
    assert relation.valid_until == datetime.date(2030, 6, 30)
    assert "新经办" in owner.get("/me/acting-for/").content.decode()
    authorization = AgentAuthorization.objects.get(agent=agent)
    assert owner.post(f"/me/agents/{authorization.pk}/revoke/").status_code == 302
    assert selectors.relation_to(person=agent, party=business, scope="track") is None


@pytest.mark.parametrize("who", ["agent", "stranger"])
def test_only_the_legal_representative_may_authorize_in_the_centre(
    who, agent, business, make_citizen, client_as
):
    actor = agent.account if who == "agent" else make_citizen()
    newcomer = make_citizen().person
    response = client_as(actor).post(f"/me/businesses/{business.pk}/agents/", agent_form(newcomer))
    assert response.status_code == 403
    authorization = AgentAuthorization.objects.get(agent=agent)
    assert client_as(actor).post(f"/me/agents/{authorization.pk}/revoke/").status_code == 403
    assert AgentAuthorization.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"scopes": []},
        {"scopes": ["launch_rockets"]},
        {"expires_on": "2001-01-01"},
        {"expires_on": "not a date"},
        {"id_number": "110105199001011235"},
    ],
)
def test_bad_agent_forms_are_refused_and_change_nothing(change, business, make_citizen, client_as):
    agent = make_citizen().person
    before = Event.objects.count()
    owner = client_as(business.legal_representative.account)
    response = owner.post(f"/me/businesses/{business.pk}/agents/", agent_form(agent) | change)
    assert response.status_code == 400
    assert not AgentAuthorization.objects.exists()
    assert Event.objects.filter(kind__startswith="identity.agent").count() == 0
    assert Event.objects.count() - before <= 1  # the owner's session start only
