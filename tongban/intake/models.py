"""Applications (办件): what an applicant hands in once, online or at a counter, and everything
that happens to it until it is closed.

An `Application` is made under one exact published `MatterVersion` (or, for a life event, is
the parent of one child application per matter). Its `status` only moves through
`services.TRANSITIONS`; every move is a service call with a domain event. Form answers are
personal data and stored encrypted; uploaded materials live in Django's storage, addressed by
a random name and checked by their SHA-256."""

import json

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.catalog.models import LifeEvent, MatterVersion
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import mask_id_number
from tongban.core.models import Department
from tongban.identity.models import Account, Business, Official, Person


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")  # 受理
    REFUSED = "refused", pgettext_lazy("application", "Not accepted")  # 不予受理
    IN_REVIEW = "in_review", pgettext_lazy("application", "In review")
    SUPPLEMENT = "supplement", pgettext_lazy("application", "Supplement requested")  # 补正
    APPROVED = "approved", pgettext_lazy("application", "Approved")
    REJECTED = "rejected", pgettext_lazy("application", "Rejected")
    DELIVERED = "delivered", pgettext_lazy("application", "Result delivered")
    CLOSED = "closed", pgettext_lazy("application", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")


# Still with the departments: the clock runs (or is paused, for a supplement).
ACTIVE = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW, Status.SUPPLEMENT)
DECIDED = (Status.APPROVED, Status.REJECTED, Status.REFUSED)
FINISHED = (*DECIDED, Status.DELIVERED, Status.CLOSED, Status.WITHDRAWN)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At a counter")  # 一窗受理


class Application(models.Model):
    """One application (办件), its lifecycle and its clock.

    `number` (办件编号) is given at submission. `due_on` is the submission date plus the
    version's committed time limit in working days, moved on by the working days spent waiting
    for a supplement (`paused_on` while waiting)."""

    number = models.CharField(_("application number"), max_length=24, blank=True)
    version = models.ForeignKey(
        MatterVersion,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("matter version"),
    )
    life_event = models.ForeignKey(
        LifeEvent,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("life event"),
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("life event application"),
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("lead department"),
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant (person)"),
    )
    business = models.ForeignKey(
        Business,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant (business)"),
    )
    created_by = models.ForeignKey(
        Account, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    registered_by = models.ForeignKey(
        Official,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_applications",
        verbose_name=_("registered by (counter clerk)"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    resume_status = models.CharField(_("status after the supplement"), max_length=12, blank=True)
    form_text = EncryptedTextField(_("form answers"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    time_limit = models.PositiveSmallIntegerField(
        _("time limit (working days)"), null=True, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paused_on = models.DateField(_("clock paused on"), null=True, blank=True)
    warned_on = models.DateField(_("deadline warning sent on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=10, blank=True)  # approved/rejected/refused
    decision_reasons = models.TextField(_("reasons"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    decided_by = models.ForeignKey(
        Official,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_applications",
        verbose_name=_("decided by"),
    )
    licence = models.ForeignKey(
        "licences.Licence",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("licence issued"),
    )
    submission_event = models.BigIntegerField(_("submission event"), null=True, blank=True)
    decision_event = models.BigIntegerField(_("decision event"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="application_number_once"
            ),
            models.CheckConstraint(
                condition=Q(version__isnull=False) | Q(life_event__isnull=False),
                name="application_has_matter_or_event",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="application_person"),
            models.Index(fields=["business", "status"], name="application_business"),
            models.Index(fields=["department", "status", "due_on"], name="application_queue"),
            models.Index(fields=["status", "due_on"], name="application_due"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def form_data(self) -> dict:
        return json.loads(self.form_text) if self.form_text else {}

    @form_data.setter
    def form_data(self, value: dict) -> None:
        self.form_text = json.dumps(value, ensure_ascii=False, sort_keys=True)

    @property
    def party(self) -> Person | Business | None:
        return self.person or self.business

    @property
    def party_name(self) -> str:
        return self.person.real_name if self.person_id else (self.business.name or "")

    @property
    def masked_party_code(self) -> str:
        if self.person_id:
            return mask_id_number(self.person.id_number)
        return self.business.credit_code if self.business_id else ""

    @property
    def title(self) -> str:
        if self.version_id:
            return self.version.name
        return self.life_event.name if self.life_event_id else ""

    @property
    def is_life_event(self) -> bool:
        return self.life_event_id is not None and self.parent_id is None and not self.version_id

    @property
    def reference(self) -> str:
        """The number, or `draft-<id>` before submission: the case reference of the registry
        reads made for it (the applicant finds it on their data-usage page)."""
        return self.number or f"draft-{self.pk}"

    @property
    def subject_reference(self) -> str:
        return f"intake.application:{self.pk}"


class Upload(models.Model):
    """A material file (申请材料) of an application, checked by content (PDF, JPEG, PNG, OFD)
    and stored under a random name; only ever served as an attachment."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="uploads", verbose_name=_("application")
    )
    material_code = models.SlugField(_("material"), max_length=50)
    file = models.FileField(_("file"), upload_to="intake/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(Account, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    for_supplement = models.ForeignKey(
        "Supplement", models.SET_NULL, null=True, blank=True, related_name="uploads"
    )

    class Meta:
        ordering = ["material_code", "uploaded_at", "id"]
        verbose_name = _("uploaded material")
        verbose_name_plural = _("uploaded materials")

    def __str__(self) -> str:
        return f"{self.material_code}: {self.original_name}"


class SubmissionKey(models.Model):
    """An idempotency key (API `Idempotency-Key` header, or the HTML form's token) of one
    submission: the same key returns the same application; another body is refused."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    application = models.ForeignKey(Application, models.CASCADE, related_name="submission_keys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="submission_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class Opinion(models.Model):
    """An official's step on the case (受理, 审查, 决定): the task, the outcome and the reasons."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="opinions", verbose_name=_("application")
    )
    task = models.ForeignKey(
        "workflow.Task", models.PROTECT, null=True, blank=True, related_name="+"
    )
    step = models.CharField(_("step"), max_length=100)
    department = models.ForeignKey(Department, models.PROTECT, related_name="+")
    official = models.ForeignKey(Official, models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=40)
    reasons = models.TextField(_("reasons"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.outcome}"


class Supplement(models.Model):
    """A request for missing or corrected material (补正), told all at once (一次性告知)."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="supplements", verbose_name=_("application")
    )
    task = models.ForeignKey(
        "workflow.Task", models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(_("what is missing"))
    materials = models.JSONField(_("materials to hand in"), default=list, blank=True)
    requested_by = models.ForeignKey(Official, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"supplement {self.pk}"

    @property
    def open(self) -> bool:
        return self.answered_at is None


class Message(models.Model):
    """An in-app message (站内消息) to an account about an application."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="intake_messages")
    application = models.ForeignKey(
        Application, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """An email and text message to an applicant, written in the same transaction as the change
    it tells about and sent by the task worker: a web process dying after the commit loses
    nothing. Contact details are read when sending, never copied here."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.subject


class StagedDocument(models.Model):
    """A file uploaded before its application exists (GovStack `POST /documents`): it becomes
    the application's material when the application that names its URL is submitted."""

    token = models.UUIDField(unique=True)
    account = models.ForeignKey(Account, models.CASCADE, related_name="+")
    material_code = models.SlugField(max_length=50)
    file = models.FileField(upload_to="intake/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.token)


class Provided(models.Model):
    """A material the government already holds (免提交), fetched for the application from its
    registry through the exchange gateway instead of asked for (数据多跑路): what was found, from
    which registry and department, and the gateway's access-log line the applicant sees on
    their data-usage page. `not_found`: the registry has no record, the material is asked for
    as usual; `unavailable`: no system or grant to fetch it with, or the gateway refused (the
    department checks it itself, as before)."""

    class Result(models.TextChoices):
        FOUND = "found", pgettext_lazy("registry record", "Found")
        NOT_FOUND = "not_found", _("No record held")
        UNAVAILABLE = "unavailable", _("Checked by the department")

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="provided", verbose_name=_("application")
    )
    material_code = models.SlugField(_("material"), max_length=50)
    registry_code = models.CharField(_("registry code"), max_length=50)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source department"),
    )
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    values_text = EncryptedTextField(_("values provided"), blank=True)
    access_log_id = models.BigIntegerField(_("access-log line"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), auto_now_add=True)

    class Meta:
        ordering = ["material_code", "id"]
        verbose_name = _("material provided by government")
        verbose_name_plural = _("materials provided by government")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material_code"], name="provided_once_per_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material_code}: {self.result}"

    @property
    def values(self) -> dict:
        return json.loads(self.values_text) if self.values_text else {}

    @values.setter
    def values(self, value: dict) -> None:
        self.values_text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
