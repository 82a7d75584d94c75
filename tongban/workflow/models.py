"""Process and decision models, running processes, and the user tasks officials work on.

A `ProcessInstance` keeps SpiffWorkflow's whole serialized state (encrypted: it carries the
process data) and a `revision` that every engine step compares and increments, so a step
computed from stale state can never be saved. Each ready user task is mirrored as a `Task`
row, so queues are plain indexed queries and never deserialize a workflow."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.core.fields import EncryptedTextField
from tongban.core.models import Department
from tongban.identity.models import Official, Role


class Source(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with the platform")
    OPERATOR = "operator", _("Uploaded by an operator")


class ModelVersion(models.Model):
    """One immutable version of an uploaded model file; a new upload makes the next version."""

    key = models.SlugField(_("key"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    uploaded_by = models.CharField(_("uploaded by"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["key", "-version"]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class ProcessDefinition(ModelVersion):
    """A BPMN process model (流程模型). A running instance keeps the version it started with."""

    process_id = models.CharField(_("BPMN process id"), max_length=100)
    bpmn = models.TextField(_("BPMN XML"))
    user_tasks = models.JSONField(_("user tasks"), default=list)

    class Meta(ModelVersion.Meta):
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="process_version_once"),
        ]


class DecisionDefinition(ModelVersion):
    """A DMN decision table (决策表), with the inputs it was checked against."""

    decision_id = models.CharField(_("DMN decision id"), max_length=100)
    dmn = models.TextField(_("DMN XML"))
    inputs = models.JSONField(_("declared inputs"), default=dict)
    hit_policy = models.CharField(_("hit policy"), max_length=10)

    class Meta(ModelVersion.Meta):
        verbose_name = _("decision definition")
        verbose_name_plural = _("decision definitions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="decision_version_once"),
        ]


class ProcessInstance(models.Model):
    """A running (or finished) process for one subject, e.g. `intake.application` 42."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    definition = models.ForeignKey(
        ProcessDefinition,
        models.PROTECT,
        related_name="instances",
        verbose_name=_("process definition"),
    )
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    state = EncryptedTextField(_("engine state"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    end_event = models.CharField(_("end event"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    next_timer_at = models.DateTimeField(_("next timer at"), null=True, blank=True)
    started_by = models.CharField(_("started by"), max_length=100)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="instance_subject"),
            models.Index(fields=["status", "next_timer_at"], name="instance_timer_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status="running"),
                name="one_running_process_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition} for {self.subject_type}:{self.subject_id}"

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class TaskQuerySet(models.QuerySet):
    def active(self):
        """Tasks someone still has to act on (open, claimed, or waiting for a supplement)."""
        return self.filter(status__in=Task.ACTIVE)

    def workable(self):
        return self.filter(status__in=(Task.Status.OPEN, Task.Status.CLAIMED))


class Task(models.Model):
    """A user task (待办) of a process instance, assigned to a role in a department.

    `version` is the optimistic-locking token: every change increments it, and a change made
    against an older version is refused (`StaleTask`)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task status", "Open")
        CLAIMED = "claimed", _("Claimed")
        SUPPLEMENT = "supplement", _("Waiting for a supplement")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.OPEN, Status.CLAIMED, Status.SUPPLEMENT)

    instance = models.ForeignKey(
        ProcessInstance, models.CASCADE, related_name="tasks", verbose_name=_("process instance")
    )
    spiff_id = models.UUIDField(_("engine task id"))
    element_id = models.CharField(_("BPMN element id"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="workflow_tasks", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    outcomes = models.JSONField(_("outcomes"), default=list)
    fields = models.JSONField(pgettext_lazy("task", "fields"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    assignee = models.ForeignKey(
        Official,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_tasks",
        verbose_name=_("assignee"),
    )
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    completed_by = models.ForeignKey(
        Official,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="completed_tasks",
        verbose_name=_("completed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["department", "role", "status"], name="task_queue"),
            models.Index(fields=["assignee", "status"], name="task_assignee"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "spiff_id"], name="task_once_per_engine_task"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def outcome_variable(self) -> str:
        """Where the official's decision lands in the process data: `<element id>_outcome`."""
        return f"{self.element_id}_outcome"
