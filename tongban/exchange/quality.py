"""Data quality (数据质量): scheduled checks of each registry, a score, and a list of issues.

Four dimensions, each scored 0–1 and averaged into a 0–100 score:
- completeness: required fields that hold a value (an empty string is no value);
- validity: records that pass the schema and the identifier checks (ID numbers, credit codes,
  dates), and whose region codes (format `gb2260`) name a region the platform knows;
- timeliness: the registry was updated within its catalogue update cycle;
- consistency: for each consistency rule, subjects present in both registries agree (joined on
  the blind index, so no identifier is decrypted for the join).
Issues name the record id, field and kind of problem — never the value. Each issue about a
record also becomes a correction request to the providing department (source "quality", the
usual 5 working days), once per record version, field and problem."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.core.events import record_event
from tongban.core.models import Region
from tongban.exchange import record_schema
from tongban.exchange.models import (
    ConsistencyRule,
    CorrectionRequest,
    QualityIssue,
    QualityRun,
    Record,
    Registry,
    Resource,
)

SYSTEM_ACTOR = "system:exchange-quality"
Dimension = QualityIssue.Dimension
# Subjects compared per query by the consistency check: SQLite takes at most 250,000 variables
# in a statement, and one huge IN list is slow on PostgreSQL too.
CONSISTENCY_CHUNK = 10_000
# New correction requests one run raises at most; the next runs raise the rest.
CORRECTIONS_PER_RUN = 500


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


@transaction.atomic
def check_registry(*, registry: Registry, now: datetime.datetime | None = None) -> QualityRun:
    """Run every check on one registry and store the run with its issues."""
    now = now or timezone.now()
    schema = registry.schema
    required = list(schema.get("required", []))
    region_fields = [
        name for name, spec in registry.properties.items() if spec.get("format") == "gb2260"
    ]
    known_regions = set(Region.objects.values_list("code", flat=True)) if region_fields else set()
    issues: list[QualityIssue] = []
    flagged: dict = {}  # record uid -> record, for the records with an issue
    cells = filled = records = invalid = 0
    contents: dict[str, tuple] = {}
    rules = list(ConsistencyRule.objects.filter(registry=registry).select_related("other_registry"))
    for record in Record.objects.filter(registry=registry).iterator(chunk_size=2000):
        records += 1
        content = record.content()
        if rules:
            contents[record.subject_index] = (record, content)
        for name in required:
            cells += 1
            if _is_empty(content.get(name)):
                flagged[record.uid] = record
                issues.append(
                    QualityIssue(
                        record_uid=record.uid,
                        dimension=Dimension.COMPLETENESS,
                        field=name,
                        code="missing",
                    )
                )
            else:
                filled += 1
        errors = record_schema.content_errors(
            schema,
            {k: v for k, v in content.items() if not _is_empty(v) or k not in required},
            subject_field=registry.subject_field,
            subject_kind=registry.subject_kind,
            partial=True,
        )
        for name in region_fields:
            value = content.get(name)
            if (
                isinstance(value, str)
                and value
                and name not in errors
                and value not in known_regions
            ):
                errors[name] = ["unknown_region"]
        if errors:
            flagged[record.uid] = record
        for name, messages in errors.items():
            code = "unknown_region" if messages == ["unknown_region"] else "invalid"
            issues.append(
                QualityIssue(
                    record_uid=record.uid, dimension=Dimension.VALIDITY, field=name, code=code
                )
            )
        invalid += bool(errors)
    completeness = filled / cells if cells else 1.0
    validity = (records - invalid) / records if records else 1.0
    timeliness = _timeliness(registry, now, issues)
    consistency = _consistency(rules, contents, issues, flagged)
    run = QualityRun.objects.create(
        registry=registry,
        ran_at=now,
        records=records,
        completeness=completeness,
        validity=validity,
        timeliness=timeliness,
        consistency=consistency,
        score=round(100 * (completeness + validity + timeliness + consistency) / 4, 1),
    )
    for issue in issues:
        issue.run = run
    QualityIssue.objects.bulk_create(issues)
    raised = _raise_corrections(issues, flagged)
    record_event(
        "exchange.quality.checked",
        subject=run,
        payload={
            "registry": registry.code,
            "score": run.score,
            "issues": len(issues),
            "corrections": raised,
        },
        actor=SYSTEM_ACTOR,
    )
    return run


def _correction_key(record: Record, issue: QualityIssue) -> str:
    digest = hashlib.sha256(
        f"{record.uid}:{record.version}:{issue.field}:{issue.code}".encode()
    ).hexdigest()
    return f"quality:{digest[:48]}"


def _raise_corrections(issues: list[QualityIssue], flagged: dict) -> int:
    """A correction request for each record-level issue not raised before; returns how many
    were raised now."""
    from tongban.exchange.services import raise_correction  # services import the gateway

    wanted = {}
    for issue in issues:
        record = flagged.get(issue.record_uid)
        if record is not None:
            wanted.setdefault(_correction_key(record, issue), (record, issue))
    known = set(
        CorrectionRequest.objects.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", flat=True
        )
    )
    raised = 0
    for key, (record, issue) in wanted.items():
        if key in known:
            continue
        if raised >= CORRECTIONS_PER_RUN:
            break
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the default language
            reason = _("The data quality check found a problem: %(dimension)s, %(problem)s.") % {
                "dimension": issue.get_dimension_display(),
                "problem": issue.code,
            }
        try:
            raise_correction(
                actor=SYSTEM_ACTOR,
                record=record,
                field=issue.field,
                claimed_value="",
                reason=reason,
                source=CorrectionRequest.Source.QUALITY,
                idempotency_key=key,
            )
        except ValidationError:  # no calendar for the deadline's year yet: the next run retries
            break
        raised += 1
    return raised


def _timeliness(registry: Registry, now, issues: list) -> float:
    resource = Resource.objects.filter(registry=registry).first()
    last = Record.objects.filter(registry=registry).aggregate(last=Max("updated_at"))["last"]
    if resource is None or last is None:
        return 1.0
    if now - last > datetime.timedelta(days=resource.cycle_days):
        issues.append(QualityIssue(dimension=Dimension.TIMELINESS, code="stale"))
        return 0.0
    return 1.0


def _consistency(rules, contents: dict, issues: list, flagged: dict) -> float:
    compared = agreeing = 0
    subjects = list(contents)
    for rule in rules:
        for start in range(0, len(subjects), CONSISTENCY_CHUNK):
            others = Record.objects.filter(
                registry=rule.other_registry,
                subject_index__in=subjects[start : start + CONSISTENCY_CHUNK],
            )
            for other in others.iterator(chunk_size=2000):
                record, content = contents[other.subject_index]
                compared += 1
                if content.get(rule.field) == other.content().get(rule.other_field):
                    agreeing += 1
                    continue
                flagged[record.uid] = record
                issues.append(
                    QualityIssue(
                        record_uid=record.uid,
                        dimension=Dimension.CONSISTENCY,
                        field=rule.field,
                        code=f"differs:{rule.other_registry.code}.{rule.other_field}"[:40],
                    )
                )
    return agreeing / compared if compared else 1.0


def check_all_registries() -> list[QualityRun]:
    """The scheduled job: check every registry in service, each in its own transaction
    (those whose records a source keeps are checked by their keeper)."""
    return [
        check_registry(registry=registry)
        for registry in Registry.objects.filter(is_archived=False, source="")
    ]
