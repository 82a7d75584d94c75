"""The grant lifecycle: requested, compliance-checked in 2 working days, answered by the
provider in 5 working days (reasons for refusals), revoked; overdue requests escalated; and
who may do each step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.core.api import Conflict
from tongban.core.calendar import add_working_days
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.exchange import services
from tongban.exchange.models import CorrectionRequest, Grant, Record, Resource

pytestmark = pytest.mark.django_db

IN_A_YEAR = datetime.timedelta(days=365)


@pytest.fixture
def admins(make_official):
    return {
        "consumer_admin": make_official("民政局", "data_admin"),
        "consumer_clerk": make_official("民政局", "counter_clerk"),
        "provider_admin": make_official("公安局", "data_admin"),
        "provider_approver": make_official("公安局", "approver"),
        "authority": make_official("政务服务和数据管理局", "data_admin"),
        "other_admin": make_official("税务局", "data_admin"),
    }


def ask(actor, consumer, registry, fields=("name",), key="key-00001", **options):
    return services.request_grant(
        actor=actor,
        consumer=consumer,
        resource=Resource.objects.get(registry=registry),
        fields=list(fields),
        purpose=options.pop("purpose", "婚姻登记"),
        legal_basis=options.pop("legal_basis", "《婚姻登记条例》"),
        expires_on=options.pop("expires_on", timezone.localdate() + IN_A_YEAR),
        idempotency_key=key,
        **options,
    )


def test_a_conditional_request_goes_through_both_checks_with_working_day_deadlines(
    people, make_client, admins
):
    consumer = make_client("民政局")
    today = timezone.localdate()
    grant = ask(admins["consumer_admin"], consumer, people)
    assert grant.status == Grant.Status.AWAITING_COMPLIANCE
    assert grant.compliance_due == add_working_days(today, 2)
    grant = services.check_compliance(actor=admins["authority"], grant=grant, approve=True)
    assert grant.status == Grant.Status.AWAITING_PROVIDER
    assert grant.provider_due == add_working_days(today, 5)
    grant = services.answer_grant(actor=admins["provider_admin"], grant=grant, approve=True)
    assert grant.status == Grant.Status.ACTIVE and grant.is_current()
    grant = services.revoke_grant(actor=admins["provider_admin"], grant=grant, reason="案件办结")
    assert grant.status == Grant.Status.REVOKED and not grant.is_current()
    kinds = Event.objects.filter(subject_type="exchange.grant").values_list("kind", flat=True)
    assert list(kinds) == [
        "exchange.grant.requested",
        "exchange.grant.compliance_checked",
        "exchange.grant.answered",
        "exchange.grant.revoked",
    ]


def test_unconditional_resources_are_granted_on_request(make_registry, make_client, admins):
    registry = make_registry("insured", owner="公安局", sharing="unconditional")
    grant = ask(admins["consumer_admin"], make_client("民政局"), registry)
    assert grant.status == Grant.Status.ACTIVE


def test_not_shared_resources_cannot_be_requested(make_registry, make_client, admins):
    registry = make_registry("secret", sharing="conditional")
    Resource.objects.filter(registry=registry).update(sharing=Resource.Sharing.NOT_SHARED)
    with pytest.raises(ValidationError) as error:
        ask(admins["consumer_admin"], make_client("民政局"), registry)
    assert "resource" in error.value.message_dict
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fields": []}, "fields"),
        ({"fields": ["salary"]}, "fields"),
        ({"fields": ["name", "name"]}, "fields"),
        ({"purpose": " "}, "purpose"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"expires_on": datetime.date(2000, 1, 1)}, "expires_on"),
        ({"expires_on": datetime.date(2100, 1, 1)}, "expires_on"),
        ({"disclosure_delay_days": 30}, "disclosure_delay_basis"),
    ],
)
def test_bad_requests_change_nothing(people, make_client, admins, change, field):
    with pytest.raises(ValidationError) as error:
        ask(admins["consumer_admin"], make_client("民政局"), people, **change)
    assert field in error.value.message_dict
    assert not Grant.objects.exists()


def test_refusals_need_reasons_and_lifecycle_steps_cannot_repeat(people, make_client, admins):
    grant = ask(admins["consumer_admin"], make_client("民政局"), people)
    with pytest.raises(ValidationError):
        services.check_compliance(actor=admins["authority"], grant=grant, approve=False)
    grant.refresh_from_db()
    assert grant.status == Grant.Status.AWAITING_COMPLIANCE
    grant = services.check_compliance(actor=admins["authority"], grant=grant, approve=True)
    with pytest.raises(Conflict):
        services.check_compliance(actor=admins["authority"], grant=grant, approve=True)
    with pytest.raises(ValidationError):
        services.answer_grant(actor=admins["provider_admin"], grant=grant, approve=False)
    grant = services.answer_grant(
        actor=admins["provider_admin"], grant=grant, approve=False, reason="超出履职范围"
    )
    assert (grant.status, grant.refusal_reason) == (Grant.Status.REFUSED, "超出履职范围")
    with pytest.raises(Conflict):
        services.revoke_grant(actor=admins["provider_admin"], grant=grant, reason="x")


def test_a_retried_request_returns_the_same_grant(people, make_client, admins):
    consumer = make_client("民政局")
    first = ask(admins["consumer_admin"], consumer, people, key="retry-0001")
    again = ask(admins["consumer_admin"], consumer, people, key="retry-0001")
    assert first == again and Grant.objects.count() == 1
    with pytest.raises(Conflict):
        ask(
            admins["consumer_admin"], consumer, people, fields=("marital_status",), key="retry-0001"
        )


# role × department × verb
MATRIX = [
    ("consumer_admin", "request", True),
    ("consumer_clerk", "request", False),
    ("provider_admin", "request", False),
    ("other_admin", "request", False),
    ("authority", "check", True),
    ("provider_admin", "check", False),
    ("consumer_admin", "check", False),
    ("provider_admin", "answer", True),
    ("provider_approver", "answer", False),
    ("authority", "answer", False),
    ("consumer_admin", "answer", False),
    ("provider_admin", "revoke", True),
    ("authority", "revoke", True),
    ("consumer_admin", "revoke", True),
    ("other_admin", "revoke", False),
    ("consumer_clerk", "revoke", False),
]


@pytest.mark.parametrize(("who", "verb", "allowed"), MATRIX)
def test_who_may_do_what_with_grants(people, make_client, admins, who, verb, allowed):
    consumer = make_client("民政局")
    actor = admins[who]
    if verb == "request":
        try:
            ask(actor, consumer, people)
        except NotPermitted:
            assert not allowed
        else:
            assert allowed
        return
    grant = ask(admins["consumer_admin"], consumer, people)
    if verb in ("answer", "revoke"):
        grant = services.check_compliance(actor=admins["authority"], grant=grant, approve=True)
    if verb == "revoke":
        grant = services.answer_grant(actor=admins["provider_admin"], grant=grant, approve=True)
    step = {
        "check": lambda: services.check_compliance(actor=actor, grant=grant, approve=True),
        "answer": lambda: services.answer_grant(actor=actor, grant=grant, approve=True),
        "revoke": lambda: services.revoke_grant(actor=actor, grant=grant, reason="r"),
    }[verb]
    status = grant.status
    try:
        step()
    except NotPermitted:
        assert not allowed
        grant.refresh_from_db()
        assert grant.status == status
    else:
        assert allowed


def test_overdue_requests_are_escalated_once(people, make_client, admins):
    grant = ask(admins["consumer_admin"], make_client("民政局"), people)
    record = Record.objects.first()
    correction = services.raise_correction(
        actor=admins["consumer_admin"],
        record=record,
        field="marital_status",
        claimed_value="离异",
        reason="与民政局记录不符",
        source=CorrectionRequest.Source.CONSUMER,
        idempotency_key="corr-00001",
    )
    assert services.escalate_overdue(today=grant.compliance_due) == 0
    later = max(grant.compliance_due, correction.due) + datetime.timedelta(days=1)
    assert services.escalate_overdue(today=later) == 2
    assert services.escalate_overdue(today=later) == 0
    grant.refresh_from_db()
    assert grant.escalated_at is not None
    assert Event.objects.filter(kind="exchange.grant.escalated").count() == 1
    assert Event.objects.filter(kind="exchange.correction.escalated").count() == 1


def test_the_escalation_job_is_registered():
    from tongban.core.periodic import registered_jobs

    jobs = registered_jobs()
    assert jobs["exchange.escalate_overdue_requests"].every == datetime.timedelta(hours=1)
    assert jobs["exchange.check_data_quality"].every == datetime.timedelta(days=1)
