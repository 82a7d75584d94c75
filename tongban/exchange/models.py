"""Run one trip (跑一次): registries, the sharing catalogue, grants, the access log, data quality.

A registry (数据库/登记簿) is a department's authoritative dataset, defined at run time by a JSON
Schema. Its records are stored split: fields the schema marks `x-sensitive` (and always the
subject identifier) are sealed in one encrypted blob; the others stay in clear JSON so that
quality checks and list filters can use them. The subject is found through a keyed hash (blind
index) of its ID number or credit code — the same index identity keeps for people, so "who used
my data" joins the access log to a citizen without decrypting anything (ADR 0050)."""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider.settings import oauth2_settings

from tongban.core import crypto
from tongban.core.fields import EncryptedTextField
from tongban.core.models import Department


class SubjectKind(models.TextChoices):
    """What identifies a registry's subject; also the blind-index purpose."""

    PERSON = "id_number", _("Citizen ID number")
    BUSINESS = "credit_code", _("Unified social credit code")


def subject_index(kind: str, identifier: str) -> str:
    """The blind index of a subject identifier (same purpose as `identity.Person.index_for`)."""
    return crypto.blind_index(kind, identifier)


class Registry(models.Model):
    """An authoritative dataset of one department, defined by a JSON Schema (versioned)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="registries", verbose_name=_("department")
    )
    description = models.TextField(_("description"), blank=True)
    subject_kind = models.CharField(_("subject identified by"), max_length=20, choices=SubjectKind)
    subject_field = models.CharField(_("subject field"), max_length=64)
    schema = models.JSONField(_("schema"))
    # The schema's field order: PostgreSQL's jsonb keeps object keys in an order of its own.
    field_order = models.JSONField(_("field order"), default=list)
    schema_version = models.PositiveIntegerField(_("schema version"), default=1)
    # Empty: the registry's records are `Record` rows. Otherwise the name of a source another
    # app registered (`exchange.sources`), which keeps the records (e.g. "licence").
    source = models.CharField(_("records kept by"), max_length=30, blank=True, default="")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("registry")
        verbose_name_plural = _("registries")

    def __str__(self) -> str:
        return self.name

    @property
    def properties(self) -> dict:
        return self.schema.get("properties", {})

    @property
    def field_names(self) -> list[str]:
        """The fields in the schema author's order."""
        properties = self.properties
        ordered = [name for name in self.field_order if name in properties]
        return ordered + sorted(set(properties) - set(ordered))

    @property
    def sensitive_fields(self) -> set[str]:
        """Fields stored only encrypted: the subject identifier and those marked x-sensitive."""
        marked = {name for name, spec in self.properties.items() if spec.get("x-sensitive")}
        return marked | {self.subject_field}

    def field_title(self, name: str) -> str:
        return self.properties.get(name, {}).get("title", name)


class SchemaVersion(models.Model):
    """Every schema a registry has had; records remember the version they were written under."""

    registry = models.ForeignKey(
        Registry, models.CASCADE, related_name="schema_versions", verbose_name=_("registry")
    )
    version = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("schema"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.CharField(_("created by"), max_length=100)

    class Meta:
        ordering = ["registry_id", "version"]
        verbose_name = _("schema version")
        verbose_name_plural = _("schema versions")
        constraints = [
            models.UniqueConstraint(fields=["registry", "version"], name="schema_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.registry.code} v{self.version}"


class SealedContent:
    """Split a record's content into clear and sealed parts, and join them again.

    The sealed JSON carries the record's uid: a blob copied onto another row is detected."""

    @staticmethod
    def split(registry: Registry, content: dict) -> tuple[dict, dict]:
        sensitive = registry.sensitive_fields
        clear = {k: v for k, v in content.items() if k not in sensitive}
        secret = {k: v for k, v in content.items() if k in sensitive}
        return clear, secret

    @staticmethod
    def seal(record_uid: uuid.UUID, secret: dict) -> str:
        return json.dumps({"_r": str(record_uid), **secret}, ensure_ascii=False, sort_keys=True)

    @staticmethod
    def open(record_uid: uuid.UUID, sealed: str) -> dict:
        secret = json.loads(sealed)
        if secret.pop("_r", None) != str(record_uid):
            raise crypto.DecryptionFailed("sealed content belongs to another record")
        return secret


class Record(models.Model):
    """The current version of one subject's record in a registry."""

    uid = models.UUIDField(_("record id"), default=uuid.uuid4, unique=True, editable=False)
    registry = models.ForeignKey(
        Registry, models.PROTECT, related_name="records", verbose_name=_("registry")
    )
    subject_index = models.CharField(_("subject index"), max_length=64)
    clear = models.JSONField(_("clear fields"), default=dict)
    sealed = EncryptedTextField(_("sealed fields"))
    version = models.PositiveIntegerField(_("version"), default=1)
    schema_version = models.PositiveIntegerField(_("schema version"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["registry_id", "id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "subject_index"], name="record_subject_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registry_id}:{self.uid}"

    def content(self) -> dict:
        """Every field, decrypted."""
        return {**self.clear, **SealedContent.open(self.uid, self.sealed)}


class RecordVersion(models.Model):
    """History: each version of each record, including deletions (append only)."""

    class Change(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        DELETED = "deleted", _("Deleted")

    registry = models.ForeignKey(
        Registry, models.PROTECT, related_name="record_versions", verbose_name=_("registry")
    )
    record_uid = models.UUIDField(_("record id"), db_index=True)
    version = models.PositiveIntegerField(_("version"))
    subject_index = models.CharField(_("subject index"), max_length=64)
    clear = models.JSONField(_("clear fields"), default=dict)
    sealed = EncryptedTextField(_("sealed fields"))
    schema_version = models.PositiveIntegerField(_("schema version"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.CharField(_("changed by"), max_length=100)

    class Meta:
        ordering = ["record_uid", "version"]
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        constraints = [
            models.UniqueConstraint(fields=["record_uid", "version"], name="record_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_uid} v{self.version}"


class SystemClient(models.Model):
    """A departmental system (业务系统) that calls the exchange with OAuth 2 client credentials,
    or through an information mediator that names it in `Information-Mediator-Client`."""

    department = models.ForeignKey(
        Department, models.PROTECT, related_name="system_clients", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        models.PROTECT,
        related_name="system_client",
        verbose_name=_("OAuth application"),
    )
    mediator_id = models.CharField(
        _("information mediator id"),
        max_length=200,
        unique=True,
        help_text=_(
            "INSTANCE/CLASS/MEMBER/SUBSYSTEM, as in the Information-Mediator-Client header"
        ),
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("calls per minute"), default=600)
    may_read_data_usage = models.BooleanField(
        _("may read citizens' data-usage records"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["department_id", "name"]
        verbose_name = _("system client")
        verbose_name_plural = _("system clients")

    def __str__(self) -> str:
        return f"{self.department.short_name} · {self.name}"


class Resource(models.Model):
    """A registry's entry in the sharing catalogue (政务信息资源目录)."""

    class Sharing(models.TextChoices):
        UNCONDITIONAL = "unconditional", _("Shared unconditionally")  # 无条件共享
        CONDITIONAL = "conditional", _("Shared on conditions")  # 有条件共享
        NOT_SHARED = "not_shared", _("Not shared")  # 不予共享

    class Openness(models.TextChoices):
        OPEN = "open", _("Open unconditionally")  # 无条件开放
        CONDITIONAL = "conditional", _("Open on conditions")  # 有条件开放
        CLOSED = "closed", _("Not open")  # 不予开放

    class UpdateCycle(models.TextChoices):
        REALTIME = "realtime", _("Real time")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    CYCLE_DAYS = {
        "realtime": 1,
        "daily": 1,
        "weekly": 7,
        "monthly": 31,
        "quarterly": 92,
        "yearly": 366,
    }

    registry = models.OneToOneField(
        Registry, models.PROTECT, related_name="resource", verbose_name=_("registry")
    )
    code = models.CharField(_("resource code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    summary = models.TextField(_("summary"))
    sharing = models.CharField(_("sharing type"), max_length=20, choices=Sharing.choices)
    sharing_conditions = models.TextField(_("sharing conditions"), blank=True)
    openness = models.CharField(_("openness type"), max_length=20, choices=Openness.choices)
    update_cycle = models.CharField(_("update cycle"), max_length=20, choices=UpdateCycle.choices)
    data_format = models.CharField(_("format"), max_length=50, default="JSON")
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("catalogue resource")
        verbose_name_plural = _("catalogue resources")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def cycle_days(self) -> int:
        return self.CYCLE_DAYS[self.update_cycle]


class Grant(models.Model):
    """Permission for one consumer system to read named fields of one resource for a purpose.

    Conditional resources pass the data authority's compliance check (2 working days) and then
    the provider's answer (5 working days); unconditional ones are granted on request."""

    class Status(models.TextChoices):
        AWAITING_COMPLIANCE = "awaiting_compliance", _("Awaiting compliance check")
        AWAITING_PROVIDER = "awaiting_provider", _("Awaiting the provider's answer")
        ACTIVE = "active", _("Granted")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    resource = models.ForeignKey(
        Resource, models.PROTECT, related_name="grants", verbose_name=_("resource")
    )
    consumer = models.ForeignKey(
        SystemClient, models.PROTECT, related_name="grants", verbose_name=_("consumer system")
    )
    fields = models.JSONField(_("fields"))
    purpose = models.CharField(_("purpose"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    compliance_due = models.DateField(_("compliance check due"), null=True, blank=True)
    compliance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    compliance_at = models.DateTimeField(_("compliance checked at"), null=True, blank=True)
    compliance_note = models.TextField(_("compliance note"), blank=True)
    provider_due = models.DateField(_("provider answer due"), null=True, blank=True)
    provider_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_at = models.DateTimeField(_("provider answered at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    disclosure_delay_days = models.PositiveIntegerField(
        _("delay disclosure to the data subject by (days)"), default=0
    )
    disclosure_delay_basis = models.CharField(
        _("legal basis for delayed disclosure"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [models.Index(fields=["consumer", "resource", "status"], name="grant_lookup")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.consumer} → {self.resource.code}"

    def is_current(self, today=None) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_on >= (
            today or timezone.localdate()
        )

    @property
    def due(self):
        if self.status == self.Status.AWAITING_COMPLIANCE:
            return self.compliance_due
        if self.status == self.Status.AWAITING_PROVIDER:
            return self.provider_due
        return None


class AppendOnly(Exception):
    """An attempt to change or remove an access-log line."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the access log is append only")

    def delete(self):
        raise AppendOnly("the access log is append only")


class AccessLog(models.Model):
    """One line per exchange call, allowed or refused (append only: the database refuses
    UPDATE and DELETE). Committed before the answer leaves; the subject appears only as its
    blind index. Lines whose `disclose_after` lies ahead are hidden from the data subject."""

    ALLOWED = "allowed"
    NOT_FOUND = "not_found"

    at = models.DateTimeField(_("time"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20)
    client = models.ForeignKey(
        SystemClient, models.PROTECT, null=True, related_name="+", verbose_name=_("system")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, related_name="+", verbose_name=_("department")
    )
    registry = models.ForeignKey(
        Registry, models.PROTECT, null=True, related_name="+", verbose_name=_("registry")
    )
    grant = models.ForeignKey(Grant, models.PROTECT, null=True, related_name="+")
    subject_index = models.CharField(_("subject index"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    case_reference = models.CharField(_("case reference"), max_length=100, blank=True)
    fields_requested = models.JSONField(_("fields requested"), default=list)
    fields_returned = models.JSONField(_("fields returned"), default=list)
    result = models.CharField(_("result"), max_length=30)
    disclose_after = models.DateTimeField(_("disclose after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log line")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["subject_index", "at"], name="access_subject"),
            models.Index(fields=["client", "at"], name="access_client"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.result}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("the access log is append only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("the access log is append only")


class ConsistencyRule(models.Model):
    """Two registries that must agree on a field for the same subject (e.g. marital status in
    户籍 and in 婚姻登记)."""

    name = models.CharField(_("name"), max_length=100)
    registry = models.ForeignKey(Registry, models.CASCADE, related_name="+")
    field = models.CharField(_("field"), max_length=64)
    other_registry = models.ForeignKey(Registry, models.CASCADE, related_name="+")
    other_field = models.CharField(_("other field"), max_length=64)

    class Meta:
        verbose_name = _("consistency rule")
        verbose_name_plural = _("consistency rules")
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "field", "other_registry", "other_field"],
                name="consistency_rule_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class QualityRun(models.Model):
    """One scheduled data-quality check of one registry, with its scores (0–100)."""

    registry = models.ForeignKey(Registry, models.CASCADE, related_name="quality_runs")
    ran_at = models.DateTimeField(_("checked at"), default=timezone.now)
    records = models.PositiveIntegerField(_("records"))
    completeness = models.FloatField(_("completeness"))
    validity = models.FloatField(_("validity"))
    timeliness = models.FloatField(_("timeliness"))
    consistency = models.FloatField(_("consistency"))
    score = models.FloatField(_("score"))

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")

    def __str__(self) -> str:
        return f"{self.registry_id} {self.ran_at:%Y-%m-%d}: {self.score}"


class QualityIssue(models.Model):
    """A problem a quality check found; never carries the value itself."""

    class Dimension(models.TextChoices):
        COMPLETENESS = "completeness", _("Completeness")
        VALIDITY = "validity", _("Validity")
        TIMELINESS = "timeliness", _("Timeliness")
        CONSISTENCY = "consistency", _("Consistency")

    run = models.ForeignKey(QualityRun, models.CASCADE, related_name="issues")
    record_uid = models.UUIDField(_("record id"), null=True, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    field = models.CharField(_("field"), max_length=64, blank=True)
    code = models.CharField(_("problem"), max_length=40)

    class Meta:
        ordering = ["dimension", "field", "id"]
        verbose_name = _("quality issue")
        verbose_name_plural = _("quality issues")

    def __str__(self) -> str:
        return f"{self.dimension} {self.field} {self.code}"


class CorrectionRequest(models.Model):
    """A request to the providing department to correct a record (多元校核): raised by a citizen
    disputing a fetched value, by a consumer system, or by a quality check."""

    class Source(models.TextChoices):
        DISPUTE = "dispute", _("Disputed by the data subject")
        CONSUMER = "consumer", _("Reported by a consuming department")
        QUALITY = "quality", _("Found by a quality check")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("correction status", "Open")
        CORRECTED = "corrected", _("Corrected")
        REJECTED = "rejected", _("Rejected")

    registry = models.ForeignKey(Registry, models.PROTECT, related_name="corrections")
    record_uid = models.UUIDField(_("record id"))
    subject_index = models.CharField(_("subject index"), max_length=64, db_index=True)
    field = models.CharField(_("field"), max_length=64)
    claimed_value = EncryptedTextField(_("value claimed to be right"), blank=True)
    reason = EncryptedTextField(_("reason"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    case_reference = models.CharField(_("case reference"), max_length=100, blank=True)
    raised_by = models.CharField(_("raised by"), max_length=100)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.registry.code}.{self.field}"
