"""Data quality (数据质量): scheduled checks of each registry, a score, and a list of issues.

Four dimensions, each scored 0–1 and averaged into a 0–100 score:
- completeness: required fields that hold a value (an empty string is no value);
- validity: records that pass the schema and the identifier checks (ID numbers, credit codes,
  dates), and whose region codes (format `gb2260`) name a region the platform knows;
- timeliness: the registry was updated within its catalogue update cycle;
- consistency: for each consistency rule, subjects present in both registries agree (joined on
  the blind index, so no identifier is decrypted for the join).
Issues name the record id, field and kind of problem — never the value."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.events import record_event
from tongban.core.models import Region
from tongban.exchange import record_schema
from tongban.exchange.models import (
    ConsistencyRule,
    QualityIssue,
    QualityRun,
    Record,
    Registry,
    Resource,
)

SYSTEM_ACTOR = "system:exchange-quality"
Dimension = QualityIssue.Dimension


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
    cells = filled = records = invalid = 0
    contents: dict[str, tuple] = {}
    rules = list(ConsistencyRule.objects.filter(registry=registry).select_related("other_registry"))
    for record in Record.objects.filter(registry=registry).iterator(chunk_size=2000):
        records += 1
        content = record.content()
        if rules:
            contents[record.subject_index] = (record.uid, content)
        for name in required:
            cells += 1
            if _is_empty(content.get(name)):
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
    consistency = _consistency(rules, contents, issues)
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
    record_event(
        "exchange.quality.checked",
        subject=run,
        payload={"registry": registry.code, "score": run.score, "issues": len(issues)},
        actor=SYSTEM_ACTOR,
    )
    return run


def _timeliness(registry: Registry, now, issues: list) -> float:
    resource = Resource.objects.filter(registry=registry).first()
    last = Record.objects.filter(registry=registry).aggregate(last=Max("updated_at"))["last"]
    if resource is None or last is None:
        return 1.0
    if now - last > datetime.timedelta(days=resource.cycle_days):
        issues.append(QualityIssue(dimension=Dimension.TIMELINESS, code="stale"))
        return 0.0
    return 1.0


def _consistency(rules, contents: dict, issues: list) -> float:
    compared = agreeing = 0
    for rule in rules:
        others = Record.objects.filter(
            registry=rule.other_registry, subject_index__in=list(contents)
        )
        for other in others.iterator(chunk_size=2000):
            uid, content = contents[other.subject_index]
            compared += 1
            if content.get(rule.field) == other.content().get(rule.other_field):
                agreeing += 1
            else:
                issues.append(
                    QualityIssue(
                        record_uid=uid,
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
