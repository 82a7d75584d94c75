"""Writes to registries, the sharing catalogue, system clients and grants.

Each write runs in one transaction, checks permission with `require`, validates everything
before changing anything, and records its domain event. Event payloads carry ids, codes and
field names — never record values or identifiers (they are sealed into the ledger)."""

import datetime
import secrets
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import get_application_model

from tongban.core.api import Conflict
from tongban.core.calendar import CalendarUnavailable, add_working_days
from tongban.core.events import Ref, record_event
from tongban.core.models import Department
from tongban.core.permissions import NotPermitted, require
from tongban.exchange import record_schema, sources
from tongban.exchange.gateway import forget_registries
from tongban.exchange.models import (
    AccessLog,
    CorrectionRequest,
    Grant,
    Record,
    RecordVersion,
    Registry,
    Resource,
    SchemaVersion,
    SealedContent,
    SubjectKind,
    SystemClient,
    subject_index,
)

COMPLIANCE_WORKING_DAYS = 2
PROVIDER_WORKING_DAYS = 5
MAX_GRANT_DAYS = 3 * 366


# -- registries ---------------------------------------------------------------------------


@transaction.atomic
def create_registry(
    *,
    actor,
    department: Department,
    code: str,
    name: str,
    subject_kind: str,
    subject_field: str,
    schema: dict,
    description: str = "",
    source: str = "",
) -> Registry:
    """Define a registry at run time; its schema becomes version 1. `source` names a lookup
    registered in `exchange.sources` when another app keeps the records (e-licences)."""
    require(actor, "exchange.manage_registry", department)
    problems: dict[str, list[str]] = {}
    if source and not sources.is_registered(source):
        problems["source"] = [_("No such data source is installed.")]
    if subject_kind not in SubjectKind.values:
        problems["subject_kind"] = [_("Choose ID number or credit code.")]
    if Registry.objects.filter(code=code).exists():
        problems["code"] = [_("A registry with this code exists.")]
    registry = Registry(
        code=code,
        name=name,
        department=department,
        description=description,
        subject_kind=subject_kind,
        subject_field=subject_field,
        schema=schema,
        field_order=list(schema.get("properties", {})) if isinstance(schema, dict) else [],
        source=source,
    )
    try:
        registry.clean_fields()
    except ValidationError as error:
        problems.update(error.message_dict)
    try:
        record_schema.check_schema(schema, subject_field=subject_field)
    except ValidationError as error:
        problems.update(error.message_dict)
    if problems:
        raise ValidationError(problems)
    registry.save()
    SchemaVersion.objects.create(
        registry=registry, version=1, schema=schema, created_by=_ref(actor)
    )
    transaction.on_commit(forget_registries)
    record_event(
        "exchange.registry.created",
        subject=registry,
        payload={
            "code": code,
            "department": department.pk,
            "schema_version": 1,
            **({"source": source} if source else {}),
        },
        actor=actor,
    )
    return registry


@transaction.atomic
def evolve_schema(*, actor, registry: Registry, schema: dict) -> tuple[Registry, str]:
    """Give a registry a new schema version. Only compatible changes are taken, so every
    stored record stays valid; each breaking change is named (a registry whose records a
    source keeps stores none: any valid schema is taken). Returns "updated" or "unchanged"."""
    require(actor, "exchange.manage_registry", registry)
    registry = Registry.objects.select_for_update().get(pk=registry.pk)
    if schema == registry.schema and list(schema["properties"]) == registry.field_order:
        return registry, "unchanged"
    record_schema.check_schema(schema, subject_field=registry.subject_field)
    breaking = [] if registry.source else record_schema.schema_changes(registry.schema, schema)
    if breaking:
        raise ValidationError({"schema": breaking})
    registry.schema = schema
    registry.field_order = list(schema["properties"])
    registry.schema_version += 1
    registry.modified_at = timezone.now()
    registry.save(update_fields=["schema", "field_order", "schema_version", "modified_at"])
    SchemaVersion.objects.create(
        registry=registry, version=registry.schema_version, schema=schema, created_by=_ref(actor)
    )
    transaction.on_commit(forget_registries)
    record_event(
        "exchange.registry.schema_evolved",
        subject=registry,
        payload={"schema_version": registry.schema_version},
        actor=actor,
    )
    return registry, "updated"


@transaction.atomic
def archive_registry(*, actor, registry: Registry) -> Registry:
    """Take a registry out of service; its records and history stay."""
    require(actor, "exchange.manage_registry", registry)
    if not registry.is_archived:
        registry.is_archived = True
        registry.modified_at = timezone.now()
        registry.save(update_fields=["is_archived", "modified_at"])
        transaction.on_commit(forget_registries)
        record_event("exchange.registry.archived", subject=registry, payload={}, actor=actor)
    return registry


# -- records ------------------------------------------------------------------------------


def _kept_here(registry: Registry) -> None:
    if registry.source:
        raise Conflict("kept_by_source", str(sources.READ_ONLY))


def _checked(registry: Registry, content: dict, *, partial: bool = False) -> None:
    _kept_here(registry)
    errors = record_schema.content_errors(
        registry.schema,
        content,
        subject_field=registry.subject_field,
        subject_kind=registry.subject_kind,
        partial=partial,
    )
    if errors:
        raise ValidationError(errors)


def _normalized(registry: Registry, content: dict) -> dict:
    """The content with the subject identifier in its compact, upper-case form."""
    subject = content[registry.subject_field]
    return {**content, registry.subject_field: subject.strip().upper()}


def _write_version(record: Record, change: str, actor) -> None:
    RecordVersion.objects.create(
        registry_id=record.registry_id,
        record_uid=record.uid,
        version=record.version,
        subject_index=record.subject_index,
        clear=record.clear,
        sealed=record.sealed,
        schema_version=record.schema_version,
        change=change,
        changed_at=record.updated_at,
        changed_by=_ref(actor),
    )


def _store(record: Record, registry: Registry, content: dict) -> None:
    clear, secret = SealedContent.split(registry, content)
    record.clear = clear
    record.sealed = SealedContent.seal(record.uid, secret)
    record.schema_version = registry.schema_version


def _event(kind: str, record: Record, actor) -> None:
    record_event(
        kind,
        subject=("exchange.record", str(record.uid)),
        payload={"registry": record.registry.code, "version": record.version},
        actor=actor,
    )


@transaction.atomic
def create_record(*, actor, registry: Registry, content: dict) -> Record:
    """Add a subject's record; refused when the schema is violated or the subject has one."""
    require(actor, "exchange.write_records", registry)
    _checked(registry, content)
    content = _normalized(registry, content)
    index = subject_index(registry.subject_kind, content[registry.subject_field])
    if Record.objects.filter(registry=registry, subject_index=index).exists():
        raise Conflict("record_exists", _("This subject already has a record in the registry."))
    record = Record(registry=registry, subject_index=index)
    _store(record, registry, content)
    record.save()
    _write_version(record, RecordVersion.Change.CREATED, actor)
    _event("exchange.record.created", record, actor)
    return record


@transaction.atomic
def update_record(*, actor, record: Record, changes: dict) -> tuple[Record, str]:
    """Change some fields of a record (a new version); "unchanged" when nothing differs.
    The subject identifier cannot change: the record belongs to its subject."""
    registry = record.registry
    require(actor, "exchange.write_records", registry)
    _checked(registry, changes, partial=True)
    record = Record.objects.select_for_update().get(pk=record.pk)
    current = record.content()
    if registry.subject_field in changes and (
        changes[registry.subject_field].strip().upper() != current[registry.subject_field]
    ):
        raise ValidationError(
            {registry.subject_field: [_("A record's subject cannot change; delete and add.")]}
        )
    merged = {**current, **changes}
    if merged == current:
        return record, "unchanged"
    _checked(registry, merged)
    _store(record, registry, merged)
    record.version += 1
    record.updated_at = timezone.now()
    record.save()
    _write_version(record, RecordVersion.Change.UPDATED, actor)
    _event("exchange.record.updated", record, actor)
    return record, "updated"


@transaction.atomic
def save_record(*, actor, registry: Registry, content: dict) -> tuple[Record, str]:
    """Create the subject's record or bring it to `content` (GovStack update-or-create, demo
    seeds): "created", "updated" or "unchanged"."""
    require(actor, "exchange.write_records", registry)
    _checked(registry, content)
    content = _normalized(registry, content)
    index = subject_index(registry.subject_kind, content[registry.subject_field])
    existing = Record.objects.filter(registry=registry, subject_index=index).first()
    if existing is None:
        return create_record(actor=actor, registry=registry, content=content), "created"
    return update_record(actor=actor, record=existing, changes=content)


@transaction.atomic
def delete_record(*, actor, record: Record) -> None:
    """Remove a record from service; its history keeps every version and the deletion."""
    require(actor, "exchange.write_records", record.registry)
    record.version += 1
    record.updated_at = timezone.now()
    _write_version(record, RecordVersion.Change.DELETED, actor)
    _event("exchange.record.deleted", record, actor)
    record.delete()


@transaction.atomic
def load_records(*, actor, registry: Registry, contents: Iterable[dict], batch: int = 2000) -> int:
    """Initial load of many new records (初始化导入): every record is validated, all or none are
    written, one event per load. Used to take over a legacy registry."""
    require(actor, "exchange.write_records", registry)
    _kept_here(registry)
    now = timezone.now()
    pending: list[Record] = []
    total = 0
    errors: dict[str, list[str]] = {}
    for position, content in enumerate(contents):
        problems = record_schema.content_errors(
            registry.schema,
            content,
            subject_field=registry.subject_field,
            subject_kind=registry.subject_kind,
        )
        if problems:
            for field, messages in problems.items():
                errors[f"{position}.{field}"] = messages
            if len(errors) > 50:
                break
            continue
        content = _normalized(registry, content)
        record = Record(
            registry=registry,
            subject_index=subject_index(registry.subject_kind, content[registry.subject_field]),
            created_at=now,
            updated_at=now,
        )
        _store(record, registry, content)
        pending.append(record)
        if len(pending) >= batch:
            total += _insert(pending, actor)
            pending = []
    if errors:
        raise ValidationError(errors)
    total += _insert(pending, actor)
    record_event(
        "exchange.records.loaded",
        subject=registry,
        payload={"records": total, "schema_version": registry.schema_version},
        actor=actor,
    )
    return total


def _insert(records: list[Record], actor) -> int:
    try:
        with transaction.atomic():
            Record.objects.bulk_create(records)
    except IntegrityError:
        raise Conflict(
            "record_exists", _("A subject in the load already has a record (or appears twice).")
        ) from None
    RecordVersion.objects.bulk_create(
        RecordVersion(
            registry_id=r.registry_id,
            record_uid=r.uid,
            version=1,
            subject_index=r.subject_index,
            clear=r.clear,
            sealed=r.sealed,
            schema_version=r.schema_version,
            change=RecordVersion.Change.CREATED,
            changed_at=r.updated_at,
            changed_by=_ref(actor),
        )
        for r in records
    )
    return len(records)


# -- the sharing catalogue ------------------------------------------------------------------


@transaction.atomic
def save_resource(
    *,
    actor,
    registry: Registry,
    code: str,
    name: str,
    summary: str,
    sharing: str,
    openness: str,
    update_cycle: str,
    sharing_conditions: str = "",
    data_format: str = "JSON",
) -> tuple[Resource, str]:
    """Describe a registry in the sharing catalogue (create or update its entry)."""
    require(actor, "exchange.manage_registry", registry)
    values = {
        "code": code,
        "name": name,
        "summary": summary,
        "sharing": sharing,
        "sharing_conditions": sharing_conditions,
        "openness": openness,
        "update_cycle": update_cycle,
        "data_format": data_format,
    }
    resource = Resource.objects.filter(registry=registry).first()
    if resource and all(getattr(resource, k) == v for k, v in values.items()):
        return resource, "unchanged"
    if sharing == Resource.Sharing.CONDITIONAL and not sharing_conditions.strip():
        raise ValidationError({"sharing_conditions": [_("Say on which conditions it is shared.")]})
    status = "updated" if resource else "created"
    resource = resource or Resource(registry=registry)
    for key, value in values.items():
        setattr(resource, key, value)
    resource.modified_at = timezone.now()
    resource.full_clean()
    resource.save()
    record_event(
        f"exchange.resource.{status}",
        subject=resource,
        payload={"code": code, "sharing": sharing},
        actor=actor,
    )
    return resource, status


# -- system clients -----------------------------------------------------------------------


@transaction.atomic
def register_system_client(
    *,
    actor,
    department: Department,
    name: str,
    mediator_id: str,
    rate_limit_per_minute: int = 600,
    may_read_data_usage: bool = False,
    secret: str | None = None,
) -> tuple[SystemClient, str]:
    """Register a departmental system with OAuth 2 client credentials. Returns the client and
    its secret, shown this once (the toolkit stores only a hash). `secret` is for the demo."""
    require(actor, "exchange.register_client", department)
    if SystemClient.objects.filter(mediator_id=mediator_id).exists():
        raise ValidationError({"mediator_id": [_("Another system uses this mediator id.")]})
    secret = secret or secrets.token_urlsafe(32)
    application = get_application_model().objects.create(
        name=f"{department.short_name} {name}"[:255],
        client_type="confidential",
        authorization_grant_type="client-credentials",
        client_secret=secret,
        redirect_uris="",
    )
    client = SystemClient(
        department=department,
        name=name,
        application=application,
        mediator_id=mediator_id,
        rate_limit_per_minute=rate_limit_per_minute,
        may_read_data_usage=may_read_data_usage,
    )
    client.full_clean()
    client.save()
    record_event(
        "exchange.client.registered",
        subject=client,
        payload={"department": department.pk, "client_id": application.client_id},
        actor=actor,
    )
    return client, secret


@transaction.atomic
def rotate_client_secret(*, actor, client: SystemClient) -> str:
    """A new client secret (the old one stops working at once); shown this once."""
    require(actor, "exchange.register_client", client.department)
    secret = secrets.token_urlsafe(32)
    application = client.application
    application.client_secret = secret
    application.save()
    record_event("exchange.client.secret_rotated", subject=client, payload={}, actor=actor)
    return secret


# -- grants -------------------------------------------------------------------------------


@transaction.atomic
def request_grant(
    *,
    actor,
    consumer: SystemClient,
    resource: Resource,
    fields: list[str],
    purpose: str,
    legal_basis: str,
    expires_on: datetime.date,
    idempotency_key: str,
    disclosure_delay_days: int = 0,
    disclosure_delay_basis: str = "",
) -> Grant:
    """A consuming department asks for named fields of a resource for its system.

    Unconditionally shared resources are granted at once; conditional ones go to the data
    authority's compliance check (2 working days), then to the provider (5 working days).
    Safe to retry with the same idempotency key."""
    existing = Grant.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        same = (
            existing.consumer_id == consumer.pk
            and existing.resource_id == resource.pk
            and existing.fields == list(fields)
        )
        if not same:
            raise Conflict("idempotency_key_reused", _("This key was used for another request."))
        return existing
    require(actor, "exchange.request_grant", consumer)
    today = timezone.localdate()
    known = set(resource.registry.field_names)
    problems: dict[str, list[str]] = {}
    if not fields:
        problems["fields"] = [_("Name at least one field.")]
    elif unknown := [f for f in fields if f not in known]:
        problems["fields"] = [_("Unknown fields: %(f)s.") % {"f": ", ".join(unknown)}]
    elif len(set(fields)) != len(fields):
        problems["fields"] = [_("A field is named twice.")]
    if not purpose.strip():
        problems["purpose"] = [_("State the purpose.")]
    if not legal_basis.strip():
        problems["legal_basis"] = [_("State the legal basis.")]
    if not today < expires_on <= today + datetime.timedelta(days=MAX_GRANT_DAYS):
        problems["expires_on"] = [_("Choose an expiry date within the next three years.")]
    if resource.sharing == Resource.Sharing.NOT_SHARED:
        problems["resource"] = [_("This resource is not shared.")]
    if disclosure_delay_days and not disclosure_delay_basis.strip():
        problems["disclosure_delay_basis"] = [
            _("Delaying disclosure to the data subject needs a legal basis.")
        ]
    if problems:
        raise ValidationError(problems)
    grant = Grant(
        resource=resource,
        consumer=consumer,
        fields=list(fields),
        purpose=purpose.strip(),
        legal_basis=legal_basis.strip(),
        expires_on=expires_on,
        idempotency_key=idempotency_key,
        requested_by=_account(actor),
        disclosure_delay_days=disclosure_delay_days,
        disclosure_delay_basis=disclosure_delay_basis.strip(),
    )
    if resource.sharing == Resource.Sharing.UNCONDITIONAL and not disclosure_delay_days:
        grant.status = Grant.Status.ACTIVE
        grant.provider_at = timezone.now()
    else:
        grant.status = Grant.Status.AWAITING_COMPLIANCE
        grant.compliance_due = _due(COMPLIANCE_WORKING_DAYS)
    grant.save()
    record_event(
        "exchange.grant.requested",
        subject=grant,
        payload={
            "resource": resource.code,
            "consumer": consumer.pk,
            "fields": grant.fields,
            "status": grant.status,
        },
        actor=actor,
    )
    return grant


def _locked(grant: Grant, expected: str) -> Grant:
    grant = Grant.objects.select_for_update().select_related("resource__registry").get(pk=grant.pk)
    if grant.status != expected:
        raise Conflict(
            "illegal_transition",
            _("This request is no longer %(status)s.") % {"status": Grant.Status(expected).label},
        )
    return grant


@transaction.atomic
def check_compliance(*, actor, grant: Grant, approve: bool, note: str = "") -> Grant:
    """The data authority's compliance check: passes the request to the provider (who then
    has 5 working days) or refuses it with a reason."""
    require(actor, "exchange.check_compliance", grant)
    grant = _locked(grant, Grant.Status.AWAITING_COMPLIANCE)
    if not approve and not note.strip():
        raise ValidationError({"note": [_("Give the reason for the refusal.")]})
    grant.compliance_by, grant.compliance_at = _account(actor), timezone.now()
    grant.compliance_note = note.strip()
    if approve:
        grant.status = Grant.Status.AWAITING_PROVIDER
        grant.provider_due = _due(PROVIDER_WORKING_DAYS)
    else:
        grant.status = Grant.Status.REFUSED
        grant.refusal_reason = note.strip()
    grant.save()
    record_event(
        "exchange.grant.compliance_checked",
        subject=grant,
        payload={"approved": approve, "status": grant.status},
        actor=actor,
    )
    return grant


@transaction.atomic
def answer_grant(*, actor, grant: Grant, approve: bool, reason: str = "") -> Grant:
    """The providing department's answer; a refusal needs its reason."""
    require(actor, "exchange.answer_grant", grant)
    grant = _locked(grant, Grant.Status.AWAITING_PROVIDER)
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    grant.provider_by, grant.provider_at = _account(actor), timezone.now()
    grant.status = Grant.Status.ACTIVE if approve else Grant.Status.REFUSED
    grant.refusal_reason = "" if approve else reason.strip()
    grant.save()
    record_event(
        "exchange.grant.answered",
        subject=grant,
        payload={"approved": approve, "status": grant.status},
        actor=actor,
    )
    return grant


@transaction.atomic
def revoke_grant(*, actor, grant: Grant, reason: str) -> Grant:
    """End a grant before its expiry; calls under it are refused from now on."""
    require(actor, "exchange.revoke_grant", grant)
    grant = _locked(grant, Grant.Status.ACTIVE)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the revocation.")]})
    grant.status = Grant.Status.REVOKED
    grant.revoked_by, grant.revoked_at = _account(actor), timezone.now()
    grant.revocation_reason = reason.strip()
    grant.save()
    record_event("exchange.grant.revoked", subject=grant, payload={}, actor=actor)
    return grant


SYSTEM_ACTOR = "system:exchange"


@transaction.atomic
def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate (督办) grant requests and correction requests past their due date, once each;
    the data authority sees them flagged. Returns how many were escalated."""
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    overdue_grants = Grant.objects.select_for_update().filter(
        Q(status=Grant.Status.AWAITING_COMPLIANCE, compliance_due__lt=today)
        | Q(status=Grant.Status.AWAITING_PROVIDER, provider_due__lt=today),
        escalated_at__isnull=True,
    )
    for grant in overdue_grants:
        grant.escalated_at = now
        grant.save(update_fields=["escalated_at"])
        record_event(
            "exchange.grant.escalated",
            subject=grant,
            payload={"status": grant.status, "due": grant.due.isoformat()},
            actor=SYSTEM_ACTOR,
        )
        count += 1
    for correction in CorrectionRequest.objects.select_for_update().filter(
        escalated_at__isnull=True, status=CorrectionRequest.Status.OPEN, due__lt=today
    ):
        correction.escalated_at = now
        correction.save(update_fields=["escalated_at"])
        record_event(
            "exchange.correction.escalated",
            subject=correction,
            payload={"due": correction.due.isoformat()},
            actor=SYSTEM_ACTOR,
        )
        count += 1
    return count


def _due(working_days: int) -> datetime.date:
    """The day `working_days` working days from today; refused (nothing written) while the
    calendar lacks that year's holidays rather than guessing a legal deadline."""
    try:
        return add_working_days(timezone.localdate(), working_days)
    except CalendarUnavailable as missing:
        raise ValidationError({"__all__": [str(missing)]}) from None


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def _account(actor):
    """The account behind an actor, for the `..._by` columns (None for processes, systems)."""
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def _ref(actor: Ref | SystemClient) -> str:
    if isinstance(actor, SystemClient):
        return f"exchange.systemclient:{actor.pk}"
    from tongban.core.events import reference

    return reference(actor)


# -- correction requests (多元校核) -----------------------------------------------------------

CORRECTION_WORKING_DAYS = 5


@transaction.atomic
def raise_correction(
    *,
    actor,
    record: Record,
    field: str,
    claimed_value: str,
    reason: str,
    source: str,
    idempotency_key: str,
    case_reference: str = "",
) -> CorrectionRequest:
    """Ask the providing department to check a value it holds; it answers within 5 working
    days. The caller has already been allowed to see the record (a dispute by its subject, a
    consumer under a grant, a quality check). Safe to retry with the same key."""
    existing = CorrectionRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        if existing.record_uid != record.uid or existing.field != field:
            raise Conflict("idempotency_key_reused", _("This key was used for another request."))
        return existing
    registry = record.registry
    problems: dict[str, list[str]] = {}
    if field not in registry.field_names:
        problems["field"] = [_("This registry has no such field.")]
    if not reason.strip():
        problems["reason"] = [_("Say what is wrong.")]
    if len(claimed_value) > 500 or len(reason) > 2000:
        problems["reason"] = [_("Please keep it shorter.")]
    if problems:
        raise ValidationError(problems)
    correction = CorrectionRequest.objects.create(
        registry=registry,
        record_uid=record.uid,
        subject_index=record.subject_index,
        field=field,
        claimed_value=claimed_value.strip(),
        reason=reason.strip(),
        source=source,
        case_reference=case_reference[:100],
        raised_by=_ref(actor),
        due=_due(CORRECTION_WORKING_DAYS),
        status=CorrectionRequest.Status.OPEN,
        idempotency_key=idempotency_key,
    )
    record_event(
        "exchange.correction.raised",
        subject=correction,
        payload={"registry": registry.code, "field": field, "source": source},
        actor=actor,
    )
    return correction


@transaction.atomic
def resolve_correction(
    *, actor, correction: CorrectionRequest, corrected: bool, note: str, new_value=None
) -> CorrectionRequest:
    """The provider's answer: correct the record (a new record version, in this transaction)
    or reject the request with a reason."""
    require(actor, "exchange.resolve_correction", correction)
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionRequest.Status.OPEN:
        raise Conflict("illegal_transition", _("This request has been answered."))
    if not note.strip():
        raise ValidationError({"note": [_("Say what was done and why.")]})
    if corrected:
        record = Record.objects.filter(uid=correction.record_uid).first()
        if record is None:
            raise ValidationError({"record": [_("The record no longer exists.")]})
        update_record(actor=actor, record=record, changes={correction.field: new_value})
    correction.status = (
        CorrectionRequest.Status.CORRECTED if corrected else CorrectionRequest.Status.REJECTED
    )
    correction.resolution_note = note.strip()
    correction.resolved_by, correction.resolved_at = _account(actor), timezone.now()
    correction.save()
    record_event(
        "exchange.correction.resolved",
        subject=correction,
        payload={"status": correction.status},
        actor=actor,
    )
    return correction


@transaction.atomic
def dispute_value(
    *,
    actor,
    registry: Registry,
    field: str,
    claimed_value: str,
    reason: str,
    idempotency_key: str,
    case_reference: str = "",
) -> CorrectionRequest:
    """A citizen disputes a value a registry holds about them (e.g. one fetched into an
    application): a correction request to the providing department."""
    person = getattr(actor, "person", None)
    if person is None:
        raise NotPermitted("exchange.dispute_record")
    record = Record.objects.filter(registry=registry, subject_index=person.id_number_index).first()
    if record is None:
        raise ValidationError({"registry": [_("This registry holds no record about you.")]})
    require(actor, "exchange.dispute_record", record)
    return raise_correction(
        actor=actor,
        record=record,
        field=field,
        claimed_value=claimed_value,
        reason=reason,
        source=CorrectionRequest.Source.DISPUTE,
        idempotency_key=idempotency_key,
        case_reference=case_reference,
    )


@transaction.atomic
def dispute_fetched_value(
    *,
    actor,
    access: AccessLog,
    field: str,
    claimed_value: str,
    reason: str,
    idempotency_key: str,
) -> CorrectionRequest:
    """A citizen disputes a value the gateway fetched (the access-log line `access`): about
    themselves, or about someone else in a case they take part in (`exchange.cases`: the
    father registering a birth disputes the mother's 出生医学证明 record). Only a field that
    was returned can be disputed. A correction request to the providing department."""
    require(actor, "exchange.dispute_fetched_value", access)
    if field not in access.fields_returned:
        raise ValidationError({"field": [_("Only a value that was fetched can be disputed.")]})
    record = Record.objects.filter(
        registry_id=access.registry_id, subject_index=access.subject_index
    ).first()
    if record is None:
        raise ValidationError({"registry": [_("The registry no longer holds this record.")]})
    return raise_correction(
        actor=actor,
        record=record,
        field=field,
        claimed_value=claimed_value,
        reason=reason,
        source=CorrectionRequest.Source.DISPUTE,
        idempotency_key=idempotency_key,
        case_reference=access.case_reference,
    )
