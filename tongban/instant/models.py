"""Instant approval (秒批): a decision table attached to a matter version, and the record of
every evaluation — which rules fired, which data was used, where it came from.

An `InstantDecision` binds one stored DMN table (`workflow.DecisionDefinition`) to one matter
version, with the data sources of its inputs (read from the DMN file's extension elements),
whether the matter allows automatic refusal, and which inputs fill the resulting licence. It
starts as a draft (operators simulate it), becomes active, and is retired by its successor.

An `Evaluation` is what one `decide` call concluded. It keeps the inputs' provenance in clear
(source, registry, access-log line, hash) and their values encrypted (they are personal
data); its domain event carries the hashes, so the ledger seals what the decision was made on
without holding the data itself."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import MatterVersion
from tongban.core.fields import EncryptedTextField
from tongban.identity.models import Person
from tongban.workflow.models import DecisionDefinition


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFER = "refer", _("Refer to an official")
    REJECT = "reject", _("Reject")


class InstantDecision(models.Model):
    """A decision table attached to a matter version (每个事项版本一张决策表)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        MatterVersion,
        models.CASCADE,
        related_name="instant_decisions",
        verbose_name=_("matter version"),
    )
    decision = models.ForeignKey(
        DecisionDefinition,
        models.PROTECT,
        related_name="instant_uses",
        verbose_name=_("decision table"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    bindings = models.JSONField(_("input sources"), default=list)
    licence_fields = models.JSONField(_("licence fields"), default=dict, blank=True)
    allow_reject = models.BooleanField(_("automatic refusal allowed"), default=False)
    attached_by = models.CharField(_("attached by"), max_length=100)
    attached_at = models.DateTimeField(_("attached at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        ordering = ["version_id", "-attached_at"]
        verbose_name = _("instant decision")
        verbose_name_plural = _("instant decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(status="active"), name="one_active_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.decision}"

    def binding(self, name: str) -> dict | None:
        return next((b for b in self.bindings if b["name"] == name), None)


class Evaluation(models.Model):
    """One evaluation of a matter's decision for one applicant and case (一次秒批判定)."""

    class Cause(models.TextChoices):
        RULES = "rules", _("The rules decided")
        NO_RULE = "no_rule", _("No rule applied")
        MISSING_INPUT = "missing_input", _("Data was missing")
        TIMEOUT = "timeout", _("A registry did not answer in time")
        REFUSED = "refused", _("A registry refused the request")
        FAULT = "fault", _("The data did not fit the rules")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case_reference = models.CharField(_("case reference"), max_length=100, db_index=True)
    version = models.ForeignKey(
        MatterVersion, models.PROTECT, related_name="+", verbose_name=_("matter version")
    )
    instant_decision = models.ForeignKey(
        InstantDecision, models.PROTECT, related_name="evaluations", verbose_name=_("decision")
    )
    applicant = models.ForeignKey(
        Person, models.PROTECT, related_name="instant_evaluations", verbose_name=_("applicant")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    rule_outcome = models.CharField(_("outcome of the rules"), max_length=10, blank=True)
    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices)
    reason_zh = models.TextField(_("reason (Chinese)"))
    reason_en = models.TextField(_("reason (English)"))
    fired = models.JSONField(_("rules fired"), default=list)
    inputs = models.JSONField(_("inputs and their sources"), default=list)
    values = EncryptedTextField(_("input values"))
    inputs_hash = models.CharField(_("inputs hash"), max_length=64)
    fetch_ms = models.FloatField(_("fetch time (ms)"), default=0)
    evaluate_ms = models.FloatField(_("evaluation time (ms)"), default=0)
    event_id = models.BigIntegerField(_("domain event"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("human review requested at"), null=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.case_reference}: {self.outcome}"

    @property
    def may_request_review(self) -> bool:
        """An automatic refusal can always be put before an official (人工复核)."""
        return self.outcome == Outcome.REJECT and self.review_requested_at is None


class SimulationRun(models.Model):
    """An operator's run of a decision over a sample of registry subjects: counts only."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    instant_decision = models.ForeignKey(
        InstantDecision, models.CASCADE, related_name="simulations", verbose_name=_("decision")
    )
    sample_registry = models.CharField(_("sampled registry"), max_length=50)
    sample_size = models.PositiveIntegerField(_("sample size"))
    report = models.JSONField(_("report"), default=dict)
    run_by = models.CharField(_("run by"), max_length=100)
    run_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        ordering = ["-run_at", "-id"]
        verbose_name = _("simulation")
        verbose_name_plural = _("simulations")

    def __str__(self) -> str:
        return f"{self.instant_decision} · {self.run_at:%Y-%m-%d %H:%M}"
