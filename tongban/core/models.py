"""The shared kernel's data: regions, departments, the working-day calendar, the outbox."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.identifiers import clean_credit_code

REGION_CODE = re.compile(r"^[1-9]\d{5}$")


class Region(models.Model):
    """An administrative region coded by GB/T 2260: province -> city -> county (省/市/县)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County or district")

    code = models.CharField(_("region code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        """Enforce the GB/T 2260 code structure and its agreement with the parent."""
        code = self.code or ""
        if not REGION_CODE.match(code):
            raise ValidationError({"code": _("A region code has six digits, not starting with 0.")})
        expected = (
            self.Level.PROVINCE
            if code.endswith("0000")
            else self.Level.CITY
            if code.endswith("00")
            else self.Level.COUNTY
        )
        if self.level != expected:
            raise ValidationError(
                {
                    "level": _("Code %(code)s is a %(level)s code.")
                    % {"code": code, "level": self.Level(expected).label}
                }
            )
        if self.level == self.Level.PROVINCE:
            if self.parent_id:
                raise ValidationError({"parent": _("A province has no parent region.")})
            return
        prefix_length = 2 if self.level == self.Level.CITY else 4
        parent_level = self.Level.PROVINCE if self.level == self.Level.CITY else self.Level.CITY
        if (
            self.parent is None
            or self.parent.level != parent_level
            or self.parent.code[:prefix_length] != code[:prefix_length]
        ):
            raise ValidationError(
                {
                    "parent": _(
                        "The parent must be the %(level)s whose code starts with %(prefix)s."
                    )
                    % {"level": self.Level(parent_level).label, "prefix": code[:prefix_length]}
                }
            )


class Department(models.Model):
    """A government department or institution that implements matters or holds data."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        INSTITUTION = "institution", _("Public institution")
        ORGANIZATION = "organization", _("People's organization")
        PLATFORM = "platform", _("Platform operator")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_name_per_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.credit_code:
            try:
                self.credit_code = clean_credit_code(self.credit_code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error.messages}) from None
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A department cannot be its own parent.")})


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known.

    Working days can only be counted in covered years: an uncovered year raises an error
    instead of guessing (a wrong legal deadline is worse than none)."""

    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", _("chinesecalendar package")
        OPERATOR = "operator", _("Entered by an operator")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday rule: a holiday on a weekday (法定节假日) or a
    make-up working day on a weekend (调休上班)."""

    date = models.DateField(_("date"), primary_key=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    def clean(self) -> None:
        if self.date and not CalendarYear.objects.filter(year=self.date.year).exists():
            raise ValidationError(
                {
                    "date": _("Add the year %(year)s to the calendar first.")
                    % {"year": self.date.year}
                }
            )
        if self.date and self.is_working_day == (self.date.weekday() < 5):
            raise ValidationError(
                {"is_working_day": _("This only restates the weekday rule; record exceptions.")}
            )


class CurrentTransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (`pg_current_xact_id()`); NULL elsewhere.

    On PostgreSQL a later sequence id can commit before an earlier one, so a reader that
    follows ids alone can skip an event. With the transaction id a consumer waits until every
    transaction that could still add an earlier event has finished (docs/decisions/0031).
    SQLite has one writer at a time: there, id order is commit order."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class Event(models.Model):
    """A domain event in the transactional outbox (发件箱).

    Written by `record_event` in the same transaction as the change it describes, so an event
    exists exactly when its change committed. Later consumers (the ledger, notifications) read
    the outbox; nothing ever updates or deletes a row."""

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    actor = models.CharField(_("actor"), max_length=100)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=100, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    txid = models.BigIntegerField(
        _("writing transaction"), null=True, editable=False, db_default=CurrentTransactionId()
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="event_subject"),
            # Only PostgreSQL fills `txid`; on SQLite the index stays empty and costs nothing.
            models.Index(
                fields=["txid", "id"],
                name="event_commit_order",
                condition=models.Q(txid__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.subject_type}:{self.subject_id}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of a task worker; /readyz wants one from the last minute."""

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """One run of a periodic job in one time slot: the unique key makes N workers enqueue it
    once between them."""

    job = models.CharField(_("job"), max_length=100)
    slot = models.BigIntegerField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return f"{self.job}@{self.slot}"


class RateCount(models.Model):
    """Attempts of one kind from one client in one fixed time window (rate limits on sign-in
    and registration). In the database, so every web process counts together; the key is a
    keyed hash, never an address or a login in clear."""

    key = models.CharField(_("key"), max_length=64)
    window = models.BigIntegerField(_("window"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_count_once")]
        verbose_name = _("rate count")
        verbose_name_plural = _("rate counts")

    def __str__(self) -> str:
        return f"{self.key[:8]}@{self.window}"
