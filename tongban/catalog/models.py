"""One network (一张网): service matters (政务服务事项), their versions, materials, situations
(情形) and life events (一件事).

A `Matter` is the stable identity of a service (implementation code, owning department, the
GovStack service id); everything a citizen reads lives in a `MatterVersion`. A published version
never changes: editing starts a new draft, and applications refer to the exact version they were
made under. The shape of the JSON fields is fixed by the catalogue format
(`tongban.catalog.catalogue_format`, docs/catalog-format.md), which validates them on every write.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.core.models import Department


class Audience(models.TextChoices):
    PERSON = "person", _("Individuals")  # 自然人
    BUSINESS = "business", _("Businesses")  # 法人


class Theme(models.Model):
    """A theme (主题分类) to browse by, e.g. 生育收养, 社会保障, 设立变更."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["audience", "order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Matter(models.Model):
    """A service matter's identity, stable across its versions.

    `implementation_code` (实施编码) is opaque and unique; `service_id` is the UUID the
    GovStack Registration API publishes. The department owns the matter: only its data
    administrators and operators edit it."""

    service_id = models.UUIDField(_("service id"), unique=True, default=uuid.uuid4, editable=False)
    implementation_code = models.CharField(_("implementation code"), max_length=36, unique=True)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="matters", verbose_name=_("department")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["implementation_code"]
        verbose_name = _("service matter")
        verbose_name_plural = _("service matters")

    def __str__(self) -> str:
        return self.implementation_code


class MatterVersion(models.Model):
    """One version of a matter's guide (办事指南): the national basic elements, materials,
    situations, and the contracts later stages build on (form schema, process, result).

    Lifecycle: draft -> in review -> published -> withdrawn (and back from review to draft).
    Only drafts change; publishing a version withdraws the one published before it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class MatterType(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing")  # 行政许可
        CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
        PAYMENT = "payment", _("Administrative payment")  # 行政给付
        RULING = "ruling", _("Administrative ruling")  # 行政裁决
        REWARD = "reward", _("Administrative reward")  # 行政奖励
        FILING = "filing", _("Administrative filing")  # 行政备案
        OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
        PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务

    class ExerciseLevel(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")

    class OnlineDepth(models.TextChoices):
        """网上办理深度, levels one to four of the national standard."""

        GUIDE = "guide", _("Guide online only")  # 一级：信息发布
        FORMS = "forms", _("Forms downloadable")  # 二级：表格下载
        PRE_REVIEW = "pre_review", _("Online pre-review")  # 三级：在线预审
        FULL = "full", _("Fully online")  # 四级：全程网办

    class ProcessKey(models.TextChoices):
        """Which BPMN process the workflow runs for an application under this version."""

        SINGLE_DEPARTMENT = "single_department", _("Single department")
        PARALLEL_REVIEW = "parallel_review", _("Parallel review by several departments")

    matter = models.ForeignKey(
        Matter, models.CASCADE, related_name="versions", verbose_name=_("matter")
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    basic_code = models.CharField(_("basic code"), max_length=36, blank=True)
    matter_type = models.CharField(
        _("matter type"), max_length=20, choices=MatterType.choices, blank=True
    )
    exercise_level = models.CharField(
        _("exercise level"), max_length=12, choices=ExerciseLevel.choices, blank=True
    )
    legal_basis = models.TextField(pgettext_lazy("service guide", "legal basis"), blank=True)
    summary = models.TextField(pgettext_lazy("service guide", "summary"), blank=True)
    keywords = models.JSONField(_("search keywords"), default=list, blank=True)
    for_persons = models.BooleanField(_("for individuals"), default=False)
    for_businesses = models.BooleanField(_("for businesses"), default=False)
    themes = models.ManyToManyField(
        Theme, related_name="versions", blank=True, verbose_name=_("themes")
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    legal_time_limit = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), null=True, blank=True
    )
    committed_time_limit = models.PositiveSmallIntegerField(
        _("committed time limit (working days)"), null=True, blank=True
    )
    fees = models.JSONField(_("fees"), default=list, blank=True)
    online_depth = models.CharField(
        _("online depth"), max_length=12, choices=OnlineDepth.choices, blank=True
    )
    max_visits = models.PositiveSmallIntegerField(_("on-site visits at most"), default=0)
    process_steps = models.JSONField(_("process steps"), default=list, blank=True)
    location = models.TextField(_("where"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation = models.CharField(_("consultation"), max_length=200, blank=True)
    complaint = models.CharField(_("complaints"), max_length=200, blank=True)
    faqs = models.JSONField(_("frequently asked questions"), default=list, blank=True)
    result_name = models.CharField(
        pgettext_lazy("service guide", "result"), max_length=200, blank=True
    )
    result_licence_type = models.CharField(_("result licence type"), max_length=50, blank=True)
    instant_approval = models.BooleanField(_("instant approval possible"), default=False)
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    process_key = models.CharField(
        _("process"),
        max_length=20,
        choices=ProcessKey.choices,
        default=ProcessKey.SINGLE_DEPARTMENT,
    )
    involved_departments = models.ManyToManyField(
        Department,
        related_name="involved_in_versions",
        blank=True,
        verbose_name=_("involved departments"),
    )
    form_schema = models.JSONField(_("form schema"), default=dict, blank=True)
    situations = models.JSONField(_("situations"), default=list, blank=True)
    no_materials = models.BooleanField(_("no materials needed"), default=False)

    author = models.CharField(_("last edited by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["matter_id", "number"]
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        constraints = [
            models.UniqueConstraint(fields=["matter", "number"], name="version_number_once"),
            models.UniqueConstraint(
                fields=["matter"], condition=Q(status="published"), name="one_published_version"
            ),
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(status__in=["draft", "in_review"]),
                name="one_open_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "name"], name="version_status_name")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def lead_department(self) -> Department:
        """The department that decides (the matter's owner)."""
        return self.matter.department

    @property
    def audiences(self) -> list[str]:
        """`person` and/or `business`, as the catalogue format writes them."""
        return [
            audience
            for audience, served in (
                (Audience.PERSON.value, self.for_persons),
                (Audience.BUSINESS.value, self.for_businesses),
            )
            if served
        ]

    @property
    def is_free(self) -> bool:
        return not self.fees

    @property
    def fully_online(self) -> bool:
        """全程网办: no visit on site at all."""
        return self.max_visits == 0


class Material(models.Model):
    """An application material (申请材料) of one version.

    `source` says where it comes from: the applicant, a government registry (department +
    registry code + field), or an e-licence type. Government-held materials are 免提交: the
    applicant does not hand them in; later stages fetch them."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        ELECTRONIC = "electronic", _("Electronic")

    class Necessity(models.TextChoices):
        REQUIRED = "required", _("Required")
        CONDITIONAL = "conditional", _("In some situations")
        OPTIONAL = "optional", _("Optional")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Provided by the applicant")
        REGISTRY = "registry", _("Held in a government registry")
        LICENCE = "licence", _("Held as an electronic licence")

    version = models.ForeignKey(
        MatterVersion, models.CASCADE, related_name="materials", verbose_name=_("version")
    )
    code = models.SlugField(_("code"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(pgettext_lazy("material", "kind"), max_length=12, choices=Kind.choices)
    necessity = models.CharField(_("necessity"), max_length=12, choices=Necessity.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source department"),
    )
    registry_code = models.CharField(_("registry code"), max_length=50, blank=True)
    registry_field = models.CharField(_("registry field"), max_length=100, blank=True)
    licence_type = models.CharField(_("licence type"), max_length=50, blank=True)
    blank_form = models.CharField(_("blank form"), max_length=300, blank=True)
    sample = models.CharField(_("sample"), max_length=300, blank=True)
    acceptance_standard = models.TextField(_("acceptance standard"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="material_code_per_version")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def government_held(self) -> bool:
        """免提交: government already holds it, so the applicant hands nothing in."""
        return self.source != self.Source.APPLICANT


class LifeEvent(models.Model):
    """A life event (一件事): matters of several departments done together, with one combined
    form and one deduplicated material list (一表申请、一套材料).

    `answers` presets situation answers the event itself settles (in 新生儿出生一件事 the
    person to insure is the newborn): those questions are not asked."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    summary = models.TextField(pgettext_lazy("service guide", "summary"), blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    answers = models.JSONField(_("preset answers"), default=dict, blank=True)
    matters = models.ManyToManyField(
        Matter, through="LifeEventMatter", related_name="life_events", verbose_name=_("matters")
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return self.name


class LifeEventMatter(models.Model):
    life_event = models.ForeignKey(LifeEvent, models.CASCADE, related_name="steps")
    matter = models.ForeignKey(Matter, models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["life_event_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["life_event", "matter"], name="matter_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.life_event_id}:{self.matter_id}"


class CatalogueRevision(models.Model):
    """A stamp renewed in the same transaction as every change to what the public sees, so
    each process can tell with one primary-key read whether its search index is stale.

    A fresh random stamp, not a counter: a counter bumped in a transaction that rolled back
    would be bumped again to the same number by the next change, and an index built from
    the rolled-back data would look current."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    stamp = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"catalogue revision {self.stamp}"


class ReviewNote(models.Model):
    """The platform review's reason for returning (退回修改) or withdrawing (下架) a version:
    the department reads it next to its draft. Written only by the services that move the
    version; never changed."""

    class Step(models.TextChoices):
        RETURNED = "returned", _("Returned for changes")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    version = models.ForeignKey(
        MatterVersion, models.CASCADE, related_name="review_notes", verbose_name=_("version")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    reason = models.TextField(_("reason"))
    author = models.CharField(_("written by"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["version_id", "created_at", "id"]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self) -> str:
        return f"{self.version_id}:{self.step}"
