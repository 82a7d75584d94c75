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
