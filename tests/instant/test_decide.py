"""decide(): the evaluation record and its sealed event, issuing the result, referral when a
registry is slow, down or refuses, who may decide, and human review of a refusal."""

import threading
import time

import pytest
from django.db import connection

from tongban.core import receipts
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.exchange import gateway
from tongban.instant import inputs, services
from tongban.instant.models import Evaluation
from tongban.licences.models import Licence

SENIOR = "老年人优待证办理"


def decide(version, person, who="wangxiuying", matter=SENIOR, case="CASE-1", **options):
    return services.decide(
        version=version(matter), applicant=person(who), answers={}, case_reference=case, **options
    )


def test_the_evaluation_is_a_sealed_event_with_hashes_not_data(instant_demo, person, version):
    from tongban.ledger.services import seal_pending_events

    evaluation = decide(version, person)
    event = Event.objects.get(pk=evaluation.event_id)
    assert event.kind == "instant.evaluated"
    assert event.on_behalf_of == f"identity.person:{evaluation.applicant_id}"
    payload = event.payload
    assert payload["outcome"] == "approve" and payload["rules"] == [1]
    assert payload["inputs_hash"] == evaluation.inputs_hash
    assert payload["decision"] == "senior-card-eligibility"
    by_name = {item["name"]: item for item in payload["inputs"]}
    assert by_name["resident"]["registry"] == "population"
    assert by_name["resident"]["access"] == next(
        i["access_id"] for i in evaluation.inputs if i["name"] == "resident"
    )
    assert all(
        set(item) == {"name", "source", "registry", "access", "hash"} for item in payload["inputs"]
    )
    text = str(payload)
    for personal in ("1959-03-08", "王秀英", "通江区", person("wangxiuying").id_number):
        assert personal not in text
    # the inputs' hashes are commitments the stored values and salt reproduce
    stored = services.json.loads(evaluation.values)
    hashes, total = inputs.input_hashes(stored["values"], bytes.fromhex(stored["salt"]))
    assert total == evaluation.inputs_hash
    assert {name: item["hash"] for name, item in by_name.items()} == hashes
    assert receipts.receipt_for(evaluation.event_id) is None
    seal_pending_events()
    assert receipts.receipt_for(evaluation.event_id) is not None


def test_an_approval_issues_the_licence_from_the_inputs(instant_demo, person, version):
    evaluation = decide(version, person)
    with services.transaction.atomic():
        licence = services.issue_result(evaluation=evaluation)
    assert licence.licence_type.code == "senior_card"
    assert licence.fields == {
        "gender": "女",
        "birth_date": "1959-03-08",
        "household_district": "示范市通江区",
    }
    assert licence.source_case == "CASE-1"
    with services.transaction.atomic():
        assert services.issue_result(evaluation=evaluation).pk == licence.pk  # a retry


def test_a_referral_issues_nothing(instant_demo, person, version):
    evaluation = decide(version, person, who="sunli")
    with pytest.raises(services.Conflict):
        services.issue_result(evaluation=evaluation)
    assert not Licence.objects.filter(source_case="CASE-1").exists()


def test_an_approval_without_a_licence_type_issues_nothing(instant_demo, person, version):
    evaluation = decide(version, person, who="zhangwei", matter="异地就医备案")
    assert evaluation.outcome == "approve"
    assert services.issue_result(evaluation=evaluation) is None


def test_a_slow_registry_refers_the_case(instant_demo, person, version, monkeypatch):
    real = gateway.fetch_for_case

    def slow(**kwargs):
        time.sleep(0.3)
        return real(**kwargs)

    monkeypatch.setattr(gateway, "fetch_for_case", slow)
    evaluation = decide(version, person, timeout=0.1)
    assert (evaluation.outcome, evaluation.cause) == ("refer", "timeout")
    assert "population" in evaluation.reason_en


def test_a_refusing_registry_refers_the_case(instant_demo, person, version):
    from tongban.exchange.models import Grant

    Grant.objects.filter(resource__registry__code="population").update(status="revoked")
    evaluation = decide(version, person)
    assert (evaluation.outcome, evaluation.cause) == ("refer", "refused")
    refused = next(item for item in evaluation.inputs if item["name"] == "resident")
    assert refused["refused"] == "grant_revoked"


def test_only_the_platform_the_applicant_or_the_department_decide(
    instant_demo, person, version, operator
):
    from tongban.core.models import Department

    other = operator(Department.objects.get(short_name="税务局"))
    with pytest.raises(NotPermitted):
        decide(version, person, actor=other)
    assert not Evaluation.objects.exists()


def test_a_case_reference_is_required(instant_demo, person, version):
    with pytest.raises(services.ValidationError):
        decide(version, person, case="")
    assert not Evaluation.objects.exists()


def test_an_automatic_refusal_can_be_put_before_an_official(instant_demo, person, version):
    from tongban.identity.models import Account

    evaluation = decide(version, person, who="zhengqiang", matter="住房公积金提取（租房）")
    applicant = evaluation.applicant
    account = Account.objects.create_user("zhengqiang-test", "pw-not-used-1234", kind="citizen")
    applicant.account = account
    applicant.save(update_fields=["account"])
    account = Account.objects.get(pk=account.pk)
    stranger = Account.objects.create_user("stranger-test", "pw-not-used-1234", kind="citizen")
    with pytest.raises(NotPermitted):
        services.request_review(evaluation=evaluation, actor=stranger)
    reviewed = services.request_review(evaluation=evaluation, actor=account)
    assert reviewed.review_requested_at is not None
    assert Event.objects.filter(kind="instant.review_requested").count() == 1
    with pytest.raises(services.Conflict):
        services.request_review(evaluation=reviewed, actor=account)


@pytest.mark.django_db(transaction=True)
def test_a_hanging_registry_is_referred_within_the_deadline(person, version, monkeypatch):
    """Outside a transaction (as in a real request) the registries are read in parallel and
    the case is answered when the deadline passes, while the hanging read is left behind."""
    from tongban.demo import catalog, city, instant, licences, registries
    from tongban.demo.seed import seed_demo

    seed_demo(steps=[city.seed, catalog.seed, registries.seed, licences.seed, instant.seed])
    released = threading.Event()

    def hanging(**kwargs):
        released.wait(10)
        raise gateway.AccessRefused("unknown_registry", 0)

    monkeypatch.setattr(gateway, "fetch_for_case", hanging)
    assert not connection.in_atomic_block
    started = time.monotonic()
    try:
        evaluation = decide(version, person, timeout=0.3)
    finally:
        released.set()
    assert time.monotonic() - started < 2
    assert (evaluation.outcome, evaluation.cause) == ("refer", "timeout")
