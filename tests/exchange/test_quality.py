"""Data quality checks find incomplete, invalid, stale and inconsistent data, score each
registry, and never put a value into an issue; correction requests carry deadlines."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.exchange.conftest import ACTOR, LI, WANG, ZHANG
from tongban.core.api import Conflict
from tongban.core.permissions import NotPermitted
from tongban.exchange import cases, gateway, quality, services
from tongban.exchange.models import (
    AccessLog,
    ConsistencyRule,
    CorrectionRequest,
    QualityIssue,
    Record,
    RecordVersion,
    SealedContent,
    subject_index,
)

pytestmark = pytest.mark.django_db

MARRIAGE_SCHEMA = {
    "type": "object",
    "required": ["id_number", "marital_status"],
    "properties": {
        "id_number": {"type": "string"},
        "marital_status": {"type": "string", "enum": ["未婚", "已婚", "离异", "丧偶"]},
    },
}


def record_of(number: str, registry: str = "people") -> Record:
    return Record.objects.get(
        registry__code=registry, subject_index=subject_index("id_number", number)
    )


def corrupt(record: Record, **clear) -> None:
    """Legacy data as it arrives from an old system: written past the services."""
    Record.objects.filter(pk=record.pk).update(clear={**record.clear, **clear})


def test_a_clean_registry_scores_100(people):
    run = quality.check_registry(registry=people)
    assert (run.records, run.score, run.issues.count()) == (2, 100.0, 0)


def test_each_dimension_finds_its_issues(people, make_registry):
    services.update_record(actor=ACTOR, record=record_of(ZHANG), changes={"district": "522622"})
    corrupt(record_of(LI), marital_status="", district="999999")
    marriage = make_registry("marriage", owner="民政局", schema=MARRIAGE_SCHEMA)
    services.create_record(
        actor=ACTOR, registry=marriage, content={"id_number": ZHANG, "marital_status": "离异"}
    )
    ConsistencyRule.objects.create(
        name="婚姻状况",
        registry=people,
        field="marital_status",
        other_registry=marriage,
        other_field="marital_status",
    )
    later = timezone.now() + datetime.timedelta(days=3)  # past the daily update cycle
    run = quality.check_registry(registry=people, now=later)
    issues = {(i.dimension, i.field, i.code) for i in run.issues.all()}
    assert issues == {
        ("completeness", "marital_status", "missing"),
        ("validity", "district", "unknown_region"),
        ("timeliness", "", "stale"),
        ("consistency", "marital_status", "differs:marriage.marital_status"),
    }
    assert run.completeness == pytest.approx(5 / 6)
    assert (run.validity, run.timeliness, run.consistency) == (0.5, 0.0, 0.0)
    assert run.score == pytest.approx(round(100 * (5 / 6 + 0.5) / 4, 1))
    assert "张伟" not in json.dumps(list(QualityIssue.objects.values()), default=str)


def inconsistent(people, make_registry):
    """李娜's marital status is missing and her district unknown; 张伟's status differs from
    the marriage registry's."""
    corrupt(record_of(LI), marital_status="", district="999999")
    marriage = make_registry("marriage", owner="民政局", schema=MARRIAGE_SCHEMA)
    for number, status in ((ZHANG, "离异"), (LI, "")):
        services.create_record(
            actor=ACTOR,
            registry=marriage,
            content={"id_number": number, "marital_status": status or "已婚"},
        )
    ConsistencyRule.objects.create(
        name="婚姻状况",
        registry=people,
        field="marital_status",
        other_registry=marriage,
        other_field="marital_status",
    )


def test_record_issues_become_correction_requests_to_the_provider_once(people, make_registry):
    inconsistent(people, make_registry)
    later = timezone.now() + datetime.timedelta(days=3)  # stale too: no record to correct
    quality.check_registry(registry=people, now=later)
    raised = CorrectionRequest.objects.filter(source=CorrectionRequest.Source.QUALITY)
    li, zhang = subject_index("id_number", LI), subject_index("id_number", ZHANG)
    assert sorted((c.subject_index == li, c.field) for c in raised) == [
        (False, "marital_status"),  # 张伟: differs from the marriage registry
        (True, "district"),  # 李娜: unknown region
        (True, "marital_status"),  # 李娜: missing
        (True, "marital_status"),  # 李娜: and so differs too
    ]
    assert {c.subject_index for c in raised} == {li, zhang}
    assert {(c.registry, c.status, c.raised_by) for c in raised} == {
        (people, "open", quality.SYSTEM_ACTOR)
    }
    assert all(c.due > timezone.localdate() for c in raised)
    assert "999999" not in " ".join(c.reason for c in raised)  # never the value
    # the next day's run finds the same problems: no second request
    quality.check_registry(registry=people, now=later)
    assert raised.all().count() == 4
    # a new version of the record with a problem again is a new request
    services.update_record(
        actor=ACTOR, record=record_of(LI), changes={"marital_status": "已婚", "district": "522622"}
    )
    corrupt(record_of(LI), marital_status="")
    quality.check_registry(registry=people)
    assert raised.all().count() == 6


def test_the_consistency_check_compares_subjects_in_chunks(people, make_registry, monkeypatch):
    inconsistent(people, make_registry)
    whole = quality.check_registry(registry=people)
    monkeypatch.setattr(quality, "CONSISTENCY_CHUNK", 1)  # two subjects: two chunks
    chunked = quality.check_registry(registry=people)
    assert whole.consistency == chunked.consistency == 0.0  # two subjects, both differ
    found = [
        {(i.record_uid, i.dimension, i.field, i.code) for i in run.issues.all()}
        for run in (whole, chunked)
    ]
    assert found[0] == found[1]


def test_invalid_identifiers_in_legacy_data_are_found(people):
    record = record_of(ZHANG)
    content = record.content() | {"id_number": "522622199205140030"}  # wrong check digit
    _clear, secret = SealedContent.split(people, content)
    Record.objects.filter(pk=record.pk).update(sealed=SealedContent.seal(record.uid, secret))
    run = quality.check_registry(registry=people)
    assert {(i.field, i.code) for i in run.issues.all()} == {("id_number", "invalid")}


def test_the_quality_job_checks_every_registry(people, make_registry):
    make_registry("other", owner="民政局", schema=MARRIAGE_SCHEMA)
    runs = quality.check_all_registries()
    assert {run.registry.code for run in runs} == {"people", "other"}


def test_a_correction_request_is_answered_by_the_provider(people, make_official, make_client):
    consumer = make_client("民政局")
    correction = services.raise_correction(
        actor=consumer,
        record=record_of(ZHANG),
        field="marital_status",
        claimed_value="离异",
        reason="民政局登记为离异",
        source=CorrectionRequest.Source.CONSUMER,
        idempotency_key="k-000001",
    )
    assert correction.due > timezone.localdate()
    with pytest.raises(NotPermitted):
        services.resolve_correction(
            actor=make_official("民政局", "data_admin"),
            correction=correction,
            corrected=True,
            note="x",
            new_value="离异",
        )
    admin = make_official("公安局", "data_admin")
    with pytest.raises(ValidationError):
        services.resolve_correction(
            actor=admin, correction=correction, corrected=True, note="核实", new_value="maybe"
        )
    assert record_of(ZHANG).content()["marital_status"] == "已婚"  # nothing changed
    services.resolve_correction(
        actor=admin, correction=correction, corrected=True, note="已核实更正", new_value="离异"
    )
    record = record_of(ZHANG)
    assert (record.content()["marital_status"], record.version) == ("离异", 2)
    assert RecordVersion.objects.filter(record_uid=record.uid).count() == 2
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.CORRECTED
    with pytest.raises(Conflict):
        services.resolve_correction(actor=admin, correction=correction, corrected=False, note="n")


def test_a_citizen_disputes_a_value_about_themselves_only(people, make_citizen, make_official):
    zhang = make_citizen(ZHANG, "张伟")
    correction = services.dispute_value(
        actor=zhang,
        registry=people,
        field="marital_status",
        claimed_value="离异",
        reason="已于2025年离婚",
        idempotency_key="dispute-001",
        case_reference="APP-9",
    )
    assert (correction.source, correction.subject_index) == (
        "dispute",
        subject_index("id_number", ZHANG),
    )
    assert (
        services.dispute_value(
            actor=zhang,
            registry=people,
            field="marital_status",
            claimed_value="离异",
            reason="again",
            idempotency_key="dispute-001",
        )
        == correction
    )
    wang = make_citizen(WANG, "王秀英")
    with pytest.raises(ValidationError):  # holds no record about her
        services.dispute_value(
            actor=wang,
            registry=people,
            field="name",
            claimed_value="x",
            reason="y",
            idempotency_key="dispute-002",
        )
    with pytest.raises(NotPermitted):
        services.dispute_value(
            actor=make_official("公安局", "data_admin"),
            registry=people,
            field="name",
            claimed_value="x",
            reason="y",
            idempotency_key="dispute-003",
        )
    assert CorrectionRequest.objects.count() == 1


@pytest.fixture
def birth_case(people, make_client, grant_for):
    """A birth registration (case CS-1): 张伟's own record and 李娜's (the mother's) were
    fetched; 张伟, the father, applies."""
    consumer = make_client("民政局")
    grant_for(consumer, people, ["name", "marital_status"])
    fetched = {}
    for number in (ZHANG, LI):
        disclosure = gateway.fetch_for_case(
            client=consumer,
            registry_code="people",
            subject_id=number,
            fields=["marital_status"],
            purpose="出生登记",
            case_reference="CS-1",
        )
        fetched[number] = AccessLog.objects.get(pk=disclosure.access_id)
    return fetched


def dispute(actor, access, field="marital_status", key="fetched-1"):
    return services.dispute_fetched_value(
        actor=actor,
        access=access,
        field=field,
        claimed_value="已婚",
        reason="登记有误",
        idempotency_key=key,
    )


def test_a_party_to_the_case_disputes_a_value_fetched_about_someone_else(
    birth_case, make_citizen, monkeypatch
):
    father = make_citizen(ZHANG, "张伟")
    stranger = make_citizen(WANG, "王秀英")
    mothers_line = birth_case[LI]
    with pytest.raises(NotPermitted):  # no case-handling app says he takes part
        dispute(father, mothers_line)
    parties = {("CS-1", subject_index("id_number", ZHANG))}
    monkeypatch.setattr(cases, "_lookups", [])
    cases.register_party_lookup(lambda person, case: (case, person.id_number_index) in parties)
    correction = dispute(father, mothers_line)
    assert (correction.subject_index, correction.case_reference, correction.source) == (
        subject_index("id_number", LI),
        "CS-1",
        "dispute",
    )
    assert correction.raised_by == f"identity.account:{father.pk}"
    assert dispute(father, birth_case[ZHANG], key="fetched-2").subject_index == subject_index(
        "id_number", ZHANG
    )  # his own record, as always
    with pytest.raises(NotPermitted):
        dispute(stranger, mothers_line, key="fetched-3")
    with pytest.raises(ValidationError):  # `name` was not fetched
        dispute(father, mothers_line, field="name", key="fetched-4")
    assert CorrectionRequest.objects.count() == 2
