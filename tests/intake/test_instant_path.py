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
