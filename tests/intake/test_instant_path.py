"""The instant path (秒批): an instant-capable application is decided by its matter's rules in
the request that submitted it; refusals only where allowed; referrals keep the normal queue."""

import uuid

import pytest

from tongban.catalog.models import MatterVersion
from tongban.instant.selectors import evaluations_of_case
from tongban.intake import services
from tongban.intake.models import Status
from tongban.workflow.models import ProcessInstance

from .conftest import PNG, pdf, person_account

SENIOR = "老年人优待证办理"


def answers_for(version, key):
    from tongban.demo import people

    demo = people.person(key)
    answers = {}
    for name, spec in version.form_schema.get("properties", {}).items():
        if name == "applicant_name":
            answers[name] = demo.name
        elif name == "applicant_id_number":
            answers[name] = demo.id_number
        elif name in version.form_schema.get("required", []):
            if "enum" in spec:
                answers[name] = spec["enum"][0]
            elif spec.get("format") == "date":
                answers[name] = "2026-12-01"
            elif spec.get("x-widget") == "phone":
                answers[name] = demo.phone
            elif spec.get("type") == "integer":
                answers[name] = spec.get("minimum", 1)
            elif name == "bank_account":
                answers[name] = "6222020200112233445"
            else:
                answers[name] = demo.address
    return answers


def apply(key, matter):
    """Draft, hand in the applicant's required materials, submit: what the portal does."""
    from tongban.catalog.models import Material

    account = person_account(key)
    version = MatterVersion.objects.get(name=matter, status="published")
    application = services.save_draft(
        actor=account, version=version, form_data=answers_for(version, key)
    )
    for code, material in services.material_codes(application).items():
        if material.necessity == Material.Necessity.REQUIRED and not material.government_held:
            upload = pdf() if code != "photo" else pdf("photo.png", PNG)
            services.add_material(
                actor=account, application=application, material_code=code, file=upload
            )
    return services.submit_application(
        actor=account, application=application, idempotency_key=uuid.uuid4().hex
    ).application


def test_a_retiree_gets_the_senior_card_in_the_same_request(demo):
    application = apply("wangxiuying", SENIOR)
    assert application.status == Status.APPROVED
    assert application.licence.licence_type.code == "senior_card"
    assert application.licence.fields["household_district"] == "示范市通江区"
    assert "年满60周岁" in application.decision_reasons
    (evaluation,) = evaluations_of_case(application.number)
    assert evaluation.outcome == "approve"
    # decided before any official was asked: no review process at all
    assert not ProcessInstance.objects.filter(subject_id=str(application.pk)).exists()


def test_a_referral_waits_in_the_officials_queue_with_its_evaluation(demo):
    application = apply("liuna", SENIOR)
    assert application.status == Status.SUBMITTED
    (evaluation,) = evaluations_of_case(application.number)
    assert evaluation.outcome == "refer"
    instance = ProcessInstance.objects.get(subject_id=str(application.pk))
    assert instance.tasks.active().filter(element_id="accept").exists()


def test_an_allowed_automatic_refusal_rejects_with_the_rules_reasons(demo):
    application = apply("zhengqiang", "住房公积金提取（租房）")
    assert application.status == Status.REJECTED
    assert "不动产" in application.decision_reasons
    (evaluation,) = evaluations_of_case(application.number)
    assert evaluation.may_request_review


def test_an_approval_without_a_licence_type(demo):
    application = apply("zhangwei", "异地就医备案")
    assert application.status == Status.APPROVED
    assert application.licence_id is None


@pytest.mark.parametrize(
    ("key", "status"), [("liuyang", Status.APPROVED), ("songtao", Status.SUBMITTED)]
)
def test_talent_introduction(demo, key, status):
    application = apply(key, "高校毕业生接收（人才引进）")
    assert application.status == status


def test_a_failure_after_the_submission_falls_back_to_the_normal_review(demo, monkeypatch):
    from tongban.instant import services as instant

    def broken(**kwargs):
        raise RuntimeError("registry adapter crashed")

    monkeypatch.setattr(instant, "decide", broken)
    application = apply("wangxiuying", SENIOR)
    assert application.status == Status.SUBMITTED
    instance = ProcessInstance.objects.get(subject_id=str(application.pk))
    assert instance.tasks.active().filter(element_id="accept").exists()


def test_a_submission_whose_request_died_gets_its_review_from_the_periodic_job(demo, monkeypatch):
    import datetime

    from tongban.intake import instant_path

    monkeypatch.setattr(instant_path, "decide_instantly", lambda **kwargs: None)
    application = apply("wangxiuying", SENIOR)
    assert application.status == Status.SUBMITTED
    assert not ProcessInstance.objects.filter(subject_id=str(application.pk)).exists()
    assert instant_path.start_undecided_reviews() == 0  # too recent: maybe still deciding
    later = application.submitted_at + datetime.timedelta(minutes=5)
    assert instant_path.start_undecided_reviews(now=later) == 1
    assert ProcessInstance.objects.filter(subject_id=str(application.pk)).exists()
    assert instant_path.start_undecided_reviews(now=later) == 0


# Human review after an automatic refusal (人工复核) -----------------------------------------

FUND = "住房公积金提取（租房）"


def _events(application, kind):
    from tongban.core.models import Event

    return Event.objects.filter(
        kind=f"intake.application.{kind}", subject_id=str(application.pk)
    ).count()


def _review(approver, application, outcome):
    """Accept, review and decide as the department's approver."""
    from .conftest import decide

    application = decide(approver, application, "accept", outcome="accept")
    application = decide(approver, application, "review", "approve")
    return decide(approver, application, "decide", outcome=outcome)


def _snapshot(application):
    from tongban.core.models import Event

    application.refresh_from_db()
    return (
        application.status,
        application.decided_at,
        application.decision_event,
        Event.objects.count(),
        ProcessInstance.objects.filter(subject_id=str(application.pk)).count(),
    )


def test_the_applicant_reopens_an_automatic_refusal_for_an_official(demo):
    from tongban.core.models import Event
    from tongban.intake import instant_path
    from tongban.intake.models import Message

    from .conftest import official

    refused = apply("zhengqiang", FUND)
    assert refused.status == Status.REJECTED and refused.decided_by_id is None
    assert refused.outcome == Status.REJECTED
    reopened = instant_path.request_human_review(
        actor=person_account("zhengqiang"), application=refused
    )
    assert reopened.status == Status.SUBMITTED
    assert (reopened.decided_at, reopened.decision_reasons, reopened.decision_event) == (
        None,
        "",
        None,
    )
    (evaluation,) = evaluations_of_case(refused.number)
    assert evaluation.review_requested_at is not None and not evaluation.may_request_review
    assert _events(refused, "review_requested") == 1
    assert Event.objects.filter(
        kind="instant.review_requested", subject_id=str(evaluation.pk)
    ).exists()
    # the normal review, in the department's queue, with a message to its approvers
    instance = ProcessInstance.objects.get(subject_id=str(refused.pk))
    assert instance.tasks.active().filter(element_id="accept").exists()
    assert Message.objects.filter(application=refused, kind="review_requested").count() >= 2
    # the official's decision stands, and there is no second review
    decided = _review(official("gjj.approver"), reopened, "reject")
    assert decided.status == Status.REJECTED and decided.decided_by_id is not None
    before = _snapshot(decided)
    with pytest.raises(services.Conflict):
        instant_path.request_human_review(actor=person_account("zhengqiang"), application=decided)
    assert _snapshot(decided) == before


def test_an_official_may_approve_what_the_rules_refused(demo):
    from tongban.intake import instant_path

    from .conftest import official

    refused = apply("zhengqiang", FUND)
    instant_path.request_human_review(actor=person_account("zhengqiang"), application=refused)
    decided = _review(official("gjj.approver"), refused, "approve")
    assert decided.status == Status.APPROVED
    assert decided.decision_reasons == "材料齐全，符合法定形式。"


def test_a_guardian_may_ask_for_the_review(demo):
    import datetime

    from tongban.identity.models import Guardianship
    from tongban.intake import instant_path

    refused = apply("zhengqiang", FUND)
    guardian = person_account("wangxiuying")
    Guardianship.objects.create(
        guardian=guardian.person,
        ward=refused.person,
        basis="法院判决（测试）",
        valid_until=datetime.date(2099, 1, 1),
    )
    reopened = instant_path.request_human_review(actor=guardian, application=refused)
    assert reopened.status == Status.SUBMITTED
    from tongban.core.models import Event

    event = Event.objects.get(kind="intake.application.review_requested")
    assert event.on_behalf_of == f"identity.person:{refused.person_id}"


@pytest.mark.parametrize("who", ["stranger", "counter_clerk", "official"])
def test_only_the_applicant_or_who_acts_for_them_may_ask(demo, who):
    from tongban.core.permissions import NotPermitted
    from tongban.intake import instant_path

    from .conftest import official

    refused = apply("zhengqiang", FUND)
    actor = {
        "stranger": lambda: person_account("wangxiuying"),
        "counter_clerk": lambda: official("gjj.clerk"),
        "official": lambda: official("gjj.approver"),
    }[who]()
    before = _snapshot(refused)
    with pytest.raises(NotPermitted):
        instant_path.request_human_review(actor=actor, application=refused)
    assert _snapshot(refused) == before
    (evaluation,) = evaluations_of_case(refused.number)
    assert evaluation.review_requested_at is None


def test_only_once(demo):
    from tongban.intake import instant_path

    refused = apply("zhengqiang", FUND)
    account = person_account("zhengqiang")
    instant_path.request_human_review(actor=account, application=refused)
    before = _snapshot(refused)
    with pytest.raises(services.IllegalTransition):
        instant_path.request_human_review(actor=account, application=refused)
    assert _snapshot(refused) == before


def test_not_for_approvals_referrals_or_an_officials_refusal(demo):
    from tongban.intake import instant_path

    approved = apply("wangxiuying", SENIOR)
    with pytest.raises(services.IllegalTransition):
        instant_path.request_human_review(actor=person_account("wangxiuying"), application=approved)
    referred = apply("liuna", SENIOR)
    with pytest.raises(services.IllegalTransition):
        instant_path.request_human_review(actor=person_account("liuna"), application=referred)
    # referred, then refused by an official: not an automatic refusal
    from tongban.identity.models import Account

    approver = Account.objects.get(
        official__department=referred.department, official__roles__role="approver"
    )
    rejected = _review(approver, referred, "reject")
    assert rejected.status == Status.REJECTED
    before = _snapshot(rejected)
    with pytest.raises(services.Conflict) as error:
        instant_path.request_human_review(actor=person_account("liuna"), application=rejected)
    assert error.value.code == "review_not_possible"
    assert _snapshot(rejected) == before


def test_the_applicants_page_offers_the_review_and_the_workbench_marks_it(demo, login):
    from django.test import Client
    from django.urls import reverse

    from .conftest import official

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = apply("zhengqiang", FUND)
    login(client, person_account("zhengqiang"))
    page = client.get(reverse("intake:detail", args=[refused.pk])).content.decode()
    action = reverse("intake:request_review", args=[refused.pk])
    assert action in page
    client.post(action)
    refused.refresh_from_db()
    assert refused.status == Status.SUBMITTED
    page = client.get(reverse("intake:detail", args=[refused.pk])).content.decode()
    assert action not in page
    assert "Human review of the automatic refusal was requested" in page
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login(client, official("gjj.approver"))
    queue = client.get(reverse("intake:workbench") + "?view=department").content.decode()
    assert refused.number in queue and "Human review requested" in queue
    case = client.get(reverse("intake:case", args=[refused.pk])).content.decode()
    assert "Human review of the automatic refusal was requested" in case


def test_a_review_asked_for_on_the_explanation_page_reopens_the_case(demo, client, login):
    from django.urls import reverse

    refused = apply("zhengqiang", FUND)
    (evaluation,) = evaluations_of_case(refused.number)
    login(client, person_account("zhengqiang"))
    client.post(reverse("instant:request_review", args=[evaluation.public_id]))
    refused.refresh_from_db()
    assert refused.status == Status.SUBMITTED
    assert ProcessInstance.objects.filter(subject_id=str(refused.pk)).exists()


def test_one_approval_costs_few_statements(demo):
    """Performance guard (ADR 0090, "Measured"): the whole instant approval — submission,
    registry read with its access log, evaluation, acceptance, approval, licence, events,
    message — in 50 statements here, savepoints of the test's transaction included: 61 before
    the pass that removed repeated lookups and per-step saves, 48 after it; main then added
    the registry materials provided for the draft (+1) and the applicant's e-mail/text
    delivery row with its task (+2 per message), and the "received" message of an application
    decided at once was dropped (-1: the applicant hears the outcome)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.catalog.models import Material

    account = person_account("wangxiuying")
    version = MatterVersion.objects.get(name=SENIOR, status="published")
    for _attempt in range(2):  # the first warms the process's caches (decision tables, keys)
        application = services.save_draft(
            actor=account, version=version, form_data=answers_for(version, "wangxiuying")
        )
        for code, material in services.material_codes(application).items():
            if material.necessity == Material.Necessity.REQUIRED and not material.government_held:
                services.add_material(
                    actor=account,
                    application=application,
                    material_code=code,
                    file=pdf("photo.png", PNG),
                )
        with CaptureQueriesContext(connection) as queries:
            decided = services.submit_application(
                actor=account, application=application, idempotency_key=uuid.uuid4().hex
            ).application
            assert decided.status == Status.APPROVED and decided.licence.identifier
    assert len(queries.captured_queries) <= 50, "\n".join(
        q["sql"][:120] for q in queries.captured_queries
    )


def test_messages_tell_the_outcome_of_an_instant_decision_and_the_receipt_of_a_referral(demo):
    from tongban.intake.models import Message

    approved = apply("wangxiuying", SENIOR)
    kinds = list(Message.objects.filter(application=approved).values_list("kind", flat=True))
    assert kinds == ["approved"]  # the applicant only; no official's inbox
    referred = apply("liuna", SENIOR)
    messages = Message.objects.filter(application=referred)
    assert set(messages.values_list("kind", flat=True)) == {"submitted"}
    assert messages.filter(account=referred.person.account).exists()
    assert messages.exclude(account=referred.person.account).exists()  # the department's
