"""E-licences (电子证照): types, the departments' signing keys, licences, presentations."""

import datetime
import json

import jsonschema
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.core import crypto
from tongban.core.fields import EncryptedTextField
from tongban.core.models import Department, Event
from tongban.core.receipts import receipt_for
from tongban.identity.models import Business, Person
from tongban.licences import identifiers


class HolderKind(models.TextChoices):
    """Who holds a licence, named by the GB/T 36904 holder code type."""

    PERSON = "111", _("Citizen ID number (公民身份号码)")
    BUSINESS = "001", _("Unified social credit code (统一社会信用代码)")


class LicenceType(models.Model):
    """A kind of licence (证照类型) that operators define: who defines and who issues it, the
    fields it carries (a JSON Schema) and how long it is valid.

    `code` is the platform's name for the type (e.g. `senior_card`), which the catalogue and
    the exchange refer to; `type_code` is the GB/T 36904 type code inside identifiers."""

    class Layout(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate (A4)")
        CARD = "card", _("Card")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    defining_department = models.ForeignKey(
        Department,
        models.PROTECT,
        related_name="defined_licence_types",
        verbose_name=_("defining department"),
    )
    type_code = models.CharField(_("GB/T 36904 type code"), max_length=21, unique=True)
    issuing_departments = models.ManyToManyField(
        Department, related_name="issued_licence_types", verbose_name=_("issuing departments")
    )
    holder_kind = models.CharField(_("holder code type"), max_length=3, choices=HolderKind.choices)
    field_schema = models.JSONField(_("fields (JSON Schema)"), default=dict)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), null=True, blank=True, help_text=_("Empty: valid indefinitely.")
    )
    age_thresholds = models.JSONField(
        _("age thresholds the holder may prove"), default=list, blank=True
    )
    layout = models.CharField(
        _("display layout"), max_length=20, choices=Layout.choices, default=Layout.CERTIFICATE
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name

    @property
    def vct(self) -> str:
        """The SD-JWT VC type of this licence type."""
        return f"urn:tongban:licence:{self.code}"

    def field_titles(self) -> dict[str, str]:
        """Field name → its title, in the schema's display order."""
        properties = self.field_schema.get("properties", {})
        return {name: spec.get("title", name) for name, spec in properties.items()}

    def clean(self) -> None:
        try:
            jsonschema.Draft202012Validator.check_schema(self.field_schema)
        except jsonschema.SchemaError as error:
            raise ValidationError({"field_schema": error.message}) from None
        if self.field_schema.get("type") != "object":
            raise ValidationError({"field_schema": _("The schema must describe an object.")})
        if not all(isinstance(a, int) and 0 < a < 150 for a in self.age_thresholds or []):
            raise ValidationError({"age_thresholds": _("Ages are whole numbers of years.")})
        if (
            self.type_code
            and self.defining_department_id
            and not self.type_code.startswith(self.defining_department.credit_code)
        ):
            raise ValidationError(
                {"type_code": _("The type code starts with the defining department's code.")}
            )

    def validate_fields(self, values: dict) -> None:
        """Raise a ValidationError naming every field that does not match the schema."""
        validator = jsonschema.Draft202012Validator(self.field_schema)
        problems: dict[str, list[str]] = {}
        for error in validator.iter_errors(values):
            where = ".".join(str(p) for p in error.absolute_path) or "fields"
            problems.setdefault(where, []).append(error.message)
        if problems:
            raise ValidationError(problems)

    def valid_until(self, valid_from: datetime.date) -> datetime.date | None:
        if not self.validity_years:
            return None
        try:
            end = valid_from.replace(year=valid_from.year + self.validity_years)
        except ValueError:  # 29 February
            end = valid_from.replace(year=valid_from.year + self.validity_years, day=28)
        return end - datetime.timedelta(days=1)


class DepartmentKey(models.Model):
    """A department's signing key (签章密钥). Its private half is stored encrypted with the
    platform's data key; a rotated key signs nothing new but keeps verifying what it signed."""

    department = models.ForeignKey(
        Department, models.PROTECT, related_name="signing_keys", verbose_name=_("department")
    )
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=10)
    public_key = models.CharField(_("public key (base64)"), max_length=200)
    private_key = EncryptedTextField(_("private key"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["department_id", "-created_at"]
        verbose_name = _("department signing key")
        verbose_name_plural = _("department signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "algorithm"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_key_per_department_and_algorithm",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.short_name} {self.algorithm} {self.kid}"

    @property
    def public_bytes(self) -> bytes:
        return crypto.b64decode(self.public_key)

    def key_pair(self) -> crypto.KeyPair:
        return crypto.KeyPair(self.algorithm, crypto.b64decode(self.private_key), self.public_bytes)


class Sequence(models.Model):
    """A counter (serial numbers per type and issuer, status-list indexes per issuer), taken
    under a row lock so two issuances never get the same number."""

    name = models.CharField(max_length=100, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last}"


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", pgettext_lazy("licence status", "Revoked")


class Licence(models.Model):
    """An issued e-licence: its signed content, its status and where it came from.

    The content (holder, fields, dates) is signed by the issuing department's key at issue and
    never changes; status changes (suspension, revocation) live beside it and in the status
    list. `source_case` names the application (办件) it was issued for, unique per type, so a
    retried issuance finds the licence instead of making a second one."""

    licence_type = models.ForeignKey(
        LicenceType, models.PROTECT, related_name="licences", verbose_name=_("licence type")
    )
    identifier = models.CharField(_("identifier"), max_length=identifiers.MAX_LENGTH, unique=True)
    issuer = models.ForeignKey(
        Department, models.PROTECT, related_name="issued_licences", verbose_name=_("issuer")
    )
    holder_person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("holder (person)"),
    )
    holder_business = models.ForeignKey(
        Business,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("holder (business)"),
    )
    holder_kind = models.CharField(_("holder code type"), max_length=3, choices=HolderKind.choices)
    content = EncryptedTextField(_("signed content"))
    signature = models.CharField(_("signature (base64)"), max_length=200)
    signing_key = models.ForeignKey(
        DepartmentKey, models.PROTECT, related_name="licences", verbose_name=_("signing key")
    )
    credential = EncryptedTextField(_("SD-JWT VC"))
    wallet_key = EncryptedTextField(_("wallet key"))
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    status_reason = models.CharField(_("status reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_index = models.PositiveBigIntegerField(_("status list index"))
    source_case = models.CharField(_("source case reference"), max_length=100)
    issuance_event = models.ForeignKey(
        Event,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuance event"),
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "source_case"], name="one_licence_per_type_and_case"
            ),
            models.UniqueConstraint(
                fields=["issuer", "status_index"], name="one_status_index_per_issuer"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(holder_person__isnull=False, holder_business__isnull=True)
                    | models.Q(holder_person__isnull=True, holder_business__isnull=False)
                ),
                name="licence_has_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type.name} {self.identifier}"

    @property
    def holder(self) -> Person | Business:
        return self.holder_person or self.holder_business

    @property
    def document(self) -> dict:
        """The signed content as data (identifier, type, issuer, holder, fields, dates)."""
        return json.loads(self.content)

    @property
    def fields(self) -> dict:
        return self.document["fields"]

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())

    def effective_status(self, today: datetime.date | None = None) -> str:
        """valid / expired / suspended / revoked, as a verifier sees it."""
        if self.status != LicenceStatus.VALID:
            return self.status
        return "expired" if self.is_expired(today) else "valid"

    @property
    def ledger_receipt(self):
        """The ledger's receipt for the issuance event (`tongban.core.receipts`): None while
        the event is not sealed yet, or when no ledger is installed."""
        if self.issuance_event_id is None:
            return None
        return receipt_for(self.issuance_event_id)


class PresentationUse(models.Model):
    """A presentation that was verified: its nonce can never be verified again (no replay),
    and the holder sees in the wallet where and when the licence was shown."""

    licence = models.ForeignKey(
        Licence, models.CASCADE, related_name="presentations", verbose_name=_("licence")
    )
    nonce_hash = models.CharField(_("nonce hash"), max_length=64, unique=True)
    audience = models.CharField(pgettext_lazy("presentation", "audience"), max_length=200)
    disclosed = models.JSONField(_("disclosed claims"), default=list)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)

    class Meta:
        ordering = ["-verified_at"]
        verbose_name = _("verified presentation")
        verbose_name_plural = _("verified presentations")

    def __str__(self) -> str:
        return f"{self.licence_id} @ {self.verified_at:%Y-%m-%d %H:%M}"
