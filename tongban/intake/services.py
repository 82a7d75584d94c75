"""Every write of the intake (一扇门): one transaction each, permission-checked, with its event.

Lifecycle (`TRANSITIONS`): draft -> submitted -> accepted (受理) or refused (不予受理) -> in
review -> supplement (补正, clock paused) -> back -> approved / rejected -> delivered -> closed;
withdrawn by the applicant before the decision; an automatic refusal (秒批) back to submitted
for the normal review, once, when the applicant asks (人工复核). A transition not in the table
is refused with `IllegalTransition` (409) and changes nothing.

The officials' steps are BPMN user tasks (`tongban.workflow`): the process starts when the
application is submitted — its first task is the lead department's acceptance (受理) — and
each official's step here completes its task through the engine in the same transaction as
the application's change, so the two never disagree."""

import datetime
import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.formschema import answer_errors, merge_forms
from tongban.catalog.models import LifeEvent, Material, MatterVersion
from tongban.core.api import Conflict
from tongban.core.calendar import CalendarUnavailable, WorkingDayCalendar
from tongban.core.events import record_event
from tongban.core.identifiers import birth_date
from tongban.core.permissions import NotPermitted, allowed, require
from tongban.identity.models import Account, Business, Person, Role
from tongban.identity.predicates import official_of, person_of
from tongban.intake import instant_path, notifications
from tongban.intake.models import (
    ACTIVE,
    DECIDED,
    Application,
    Channel,
    Opinion,
    Provided,
    Status,
    SubmissionKey,
    Supplement,
    Upload,
)
from tongban.intake.uploads import ALLOWED, checked_file
from tongban.workflow import services as workflow
from tongban.workflow.models import ProcessInstance, Task
from tongban.workflow.selectors import process_for

logger = logging.getLogger("tongban.intake")

MAX_FORM_BYTES = 64 * 1024
MAX_UPLOADS = 50
MAX_KEY = 100
MAX_TEXT = 2000
SUBJECT_TYPE = "intake.application"

# action: (statuses it may start from, status it leads to; None = the status before 补正)
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "edit": (frozenset({Status.DRAFT}), Status.DRAFT),
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED),
    "accept": (frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    "refuse": (frozenset({Status.SUBMITTED}), Status.REFUSED),
    "review": (frozenset({Status.ACCEPTED, Status.IN_REVIEW}), Status.IN_REVIEW),
    "request_supplement": (
        frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW}),
        Status.SUPPLEMENT,
    ),
    "answer_supplement": (frozenset({Status.SUPPLEMENT}), None),
    "approve": (frozenset({Status.ACCEPTED, Status.IN_REVIEW}), Status.APPROVED),
    "reject": (frozenset({Status.ACCEPTED, Status.IN_REVIEW}), Status.REJECTED),
    "deliver": (frozenset({Status.APPROVED, Status.REJECTED}), Status.DELIVERED),
    "close": (frozenset({Status.DELIVERED, Status.REFUSED}), Status.CLOSED),
    # 人工复核: an automatic refusal (秒批) reopened for the normal review at the applicant's
    # request, once (`instant_path.request_human_review`); the official's decision stands.
    "reopen_for_review": (frozenset({Status.REJECTED}), Status.SUBMITTED),
    "withdraw": (
        frozenset(
            {Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW, Status.SUPPLEMENT}
        ),
        Status.WITHDRAWN,
    ),
}
# Outcomes that need reasons and a legal basis whatever the step.
NEGATIVE = frozenset({"refuse", "reject", "return"})
# The BPMN element whose completion is the final decision in the shipped processes.
FINAL_STEPS = frozenset({"decide"})


class IllegalTransition(Conflict):
    def __init__(self, action: str, status: str):
        super().__init__(
            "illegal_transition",
            _("This cannot be done to an application that is %(status)s.")
            % {"status": Status(status).label},
        )
        self.action, self.status = action, status


class IdempotencyConflict(Conflict):
    def __init__(self):
        super().__init__(
            "idempotency_key_reused",
            _("This submission key was already used for a different request."),
        )


@dataclass
class Submission:
    """What `submit_application` returns: the application and whether this call submitted it
    (False: a retry with the same key and body answered with the first result)."""

    application: Application
    created: bool


def _event(kind: str, application: Application, actor, **payload) -> int:
    on_behalf = ""
    person = person_of(actor) if isinstance(actor, Account) else None
    party = application.party
    if party is not None and not (isinstance(party, Person) and person and person.pk == party.pk):
        on_behalf = party
    event = record_event(
        f"intake.application.{kind}",
        subject=application,
        payload={"number": application.number, "status": application.status, **payload},
        actor=actor,
        on_behalf_of=on_behalf or None,
    )
    return event.pk


def _locked(application: Application | int) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "version__matter",
            "life_event",
            "person__account",
            "business",
            "created_by",
            "department",
        )
        .get(pk=pk)
    )


def _check_transition(application: Application, action: str) -> str | None:
    sources, target = TRANSITIONS[action]
    if application.status not in sources:
        raise IllegalTransition(action, application.status)
    return target


def _text(value: str | None, field: str, *, required: bool, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [message or _("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Must have at most %(n)s characters.") % {"n": MAX_TEXT}]})
    return value


def _checked_form(form_data) -> dict:
    if not isinstance(form_data, dict):
        raise ValidationError({"form": [_("The form answers must be an object.")]})
    if len(json.dumps(form_data, ensure_ascii=False)) > MAX_FORM_BYTES:
        raise ValidationError({"form": [_("The form answers are larger than 64 KB.")]})
    return form_data


# -- the clock --------------------------------------------------------------------------------


def due_date(start: datetime.date, working_days: int | None) -> datetime.date | None:
    """`start` plus `working_days` on the working-day calendar; None without a time limit or
    when the calendar does not reach that far yet (an operator must enter the holidays)."""
    if not working_days:
        return None
    try:
        return WorkingDayCalendar().add_working_days(start, working_days)
    except CalendarUnavailable:
        logger.warning("no calendar for the due date", extra={"start": start.isoformat()})
        return None


def resumed_due_date(
    due_on: datetime.date | None, paused_on: datetime.date, resumed_on: datetime.date
) -> datetime.date | None:
    """The due date moved on by the working days the clock stood still (补正 does not count)."""
    if due_on is None:
        return None
    try:
        calendar = WorkingDayCalendar()
        paused = max(0, calendar.working_days_between(paused_on, resumed_on))
        return calendar.add_working_days(due_on, paused)
    except CalendarUnavailable:
        return due_on


def _process(application: Application) -> ProcessInstance | None:
    return process_for(subject_type=SUBJECT_TYPE, subject_id=str(application.pk))


def _set_due(application: Application, actor) -> None:
    instance = _process(application)
    if instance is not None and instance.status == ProcessInstance.Status.RUNNING:
        workflow.set_due_date(instance=instance, due_on=application.due_on, actor=actor)


# -- drafts and materials ---------------------------------------------------------------------


def _party_for(actor, party) -> Person | Business:
    if party is None:
        party = person_of(actor)
    if not isinstance(party, Person | Business):
        raise NotPermitted("intake.apply")
    return party


def _serves(version: MatterVersion | None, life_event: LifeEvent | None, party) -> bool:
    audience = "person" if isinstance(party, Person) else "business"
    if version is not None:
        return audience in version.audiences
    return life_event.audience == audience


@transaction.atomic
def save_draft(
    *,
    actor,
    form_data: dict,
    application: Application | None = None,
    version: MatterVersion | None = None,
    life_event: LifeEvent | None = None,
    party: Person | Business | None = None,
) -> Application:
    """Start or update a draft (草稿): answers are kept as they are (checked on submission).

    A new draft is made under the exact published version (or a life event). A counter
    clerk makes it for a walk-in person (channel `counter`); anyone else for a party they may
    apply for."""
    form_data = _checked_form(form_data)
    if application is not None:
        application = _locked(application)
        require(actor, "intake.act_as_applicant", application)
        _check_transition(application, "edit")
        application.form_data = form_data
        application.save(update_fields=["form_text", "updated_at"])
        _event("draft_saved", application, actor, fields=len(form_data))
        return application
    if (version is None) == (life_event is None):
        raise ValidationError({"version": [_("Choose a service or a life event.")]})
    if version is not None and version.status != MatterVersion.Status.PUBLISHED:
        raise Conflict("version_not_published", _("This version of the service is not open."))
    clerk = official_of(actor)
    if clerk is not None:
        require(actor, "intake.register_at_counter")
        if not isinstance(party, Person):
            raise ValidationError({"person": [_("Find the applicant by their ID number.")]})
        channel = Channel.COUNTER
    else:
        party = _party_for(actor, party)
        require(actor, "intake.apply", party)
        channel = Channel.ONLINE
    if not _serves(version, life_event, party):
        raise ValidationError({"party": [_("This service is not for this kind of applicant.")]})
    application = Application(
        version=version,
        life_event=life_event,
        department=version.matter.department if version else None,
        person=party if isinstance(party, Person) else None,
        business=party if isinstance(party, Business) else None,
        created_by=actor,
        channel=channel,
        registered_by=clerk,
    )
    application.form_data = form_data
    application.save()
    _event(
        "draft_created",
        application,
        actor,
        version=version.pk if version else None,
        life_event=life_event.code if life_event else None,
        channel=channel,
    )
    return application


def material_codes(application: Application) -> dict[str, Material]:
    """The materials the applicant may hand in: their own, and government-held ones (免提交)
    whose registry had no record for them (`Provided.NOT_FOUND`, see `prefill`); the others
    are fetched, not uploaded."""
    versions = (
        [application.version] if application.version_id else _event_versions(application.life_event)
    )
    not_found = (
        set(
            application.provided.filter(result=Provided.Result.NOT_FOUND).values_list(
                "material_code", flat=True
            )
        )
        if application.pk
        else set()
    )
    codes: dict[str, Material] = {}
    for version in versions:
        for material in version.materials.all():
            if material.source == Material.Source.APPLICANT or material.code in not_found:
                codes.setdefault(material.code, material)
    return codes


@transaction.atomic
def record_provided(*, actor, application: Application, fetched: list) -> list[Provided]:
    """Keep what `prefill` fetched from the registries for a draft (免提交): one row per
    material, and empty form fields of the same name as a fetched value filled in (what the
    applicant typed is never overwritten). The event names the materials and results, never
    the values."""
    application = _locked(application)
    require(actor, "intake.act_as_applicant", application)
    _check_transition(application, "edit")
    done = set(application.provided.values_list("material_code", flat=True))
    properties = form_schema_of(application).get("properties", {})
    answers = application.form_data
    rows, filled = [], []
    for item in fetched:
        if item.material_code in done:
            continue
        done.add(item.material_code)
        row = Provided(
            application=application,
            material_code=item.material_code,
            registry_code=item.registry_code,
            source_name=item.source_name[:200],
            source_department_id=item.source_department_id,
            result=item.result,
            access_log_id=item.access_log_id,
        )
        row.values = item.values
        row.save()
        rows.append(row)
        for name, value in item.values.items():
            if name in properties and name not in answers and isinstance(value, str | int | float):
                answers[name] = value
                filled.append(name)
    if filled:
        application.form_data = answers
        application.save(update_fields=["form_text", "updated_at"])
    if rows:
        _event(
            "provided",
            application,
            actor,
            materials={row.material_code: row.result for row in rows},
            fields=sorted(filled),
        )
    return rows


@transaction.atomic
def add_material(
    *, actor, application: Application, material_code: str, file, name: str = ""
) -> Upload:
    """Hand in one material file (a draft's, or a supplement's): PDF, JPEG, PNG or OFD by
    content, under the size limit; stored under a random name with its SHA-256."""
    application = _locked(application)
    require(actor, "intake.act_as_applicant", application)
    if application.status not in (Status.DRAFT, Status.SUPPLEMENT):
        raise IllegalTransition("add_material", application.status)
    if material_code not in material_codes(application):
        raise ValidationError({"material": [_("This service does not ask for this material.")]})
    if application.uploads.count() >= MAX_UPLOADS:
        raise ValidationError({"file": [_("An application takes at most 50 files.")]})
    try:
        content_type, size, sha256 = checked_file(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    # Stored before the row (never a row without its file). If this service fails after
    # storing, the file goes at once; if an enclosing transaction rolls back later, no row
    # refers to it and `sweep_files` (periodic job `intake.sweep_files`) removes it.
    stored = default_storage.save(f"intake/{uuid.uuid4().hex}{ALLOWED[content_type]}", file)
    try:
        supplement = application.supplements.filter(answered_at__isnull=True).last()
        upload = Upload.objects.create(
            application=application,
            material_code=material_code,
            file=stored,
            original_name=(name or getattr(file, "name", "") or "file")[-200:],
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_by=actor,
            for_supplement=supplement,
        )
        _event("material_added", application, actor, material=material_code, sha256=sha256)
    except BaseException:
        default_storage.delete(stored)
        raise
    return upload


@transaction.atomic
def remove_material(*, actor, upload: Upload) -> None:
    application = _locked(upload.application_id)
    require(actor, "intake.act_as_applicant", application)
    if application.status != Status.DRAFT:
        raise IllegalTransition("remove_material", application.status)
    name = upload.file.name
    upload.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
    _event("material_removed", application, actor, material=upload.material_code)


# -- submission -------------------------------------------------------------------------------


def _event_versions(life_event: LifeEvent) -> list[MatterVersion]:
    """The published version of each matter of a life event, in the event's order."""
    versions = []
    for step in life_event.steps.select_related("matter").order_by("order"):
        version = step.matter.versions.filter(status=MatterVersion.Status.PUBLISHED).first()
        if version is None:
            raise Conflict(
                "version_not_published",
                _("A service of this life event is not open at the moment."),
            )
        versions.append(version)
    return versions


def form_schema_of(application: Application) -> dict:
    if application.version_id:
        return application.version.form_schema or {}
    return merge_forms([v.form_schema or {} for v in _event_versions(application.life_event)])


def _body_hash(*, version_id, life_event_id, person_id, business_id, form: dict, files) -> str:
    """What makes two submissions the same request: service, applicant, answers, files."""
    body = {
        "version": version_id,
        "life_event": life_event_id,
        "person": person_id,
        "business": business_id,
        "form": form,
        "files": sorted([list(f) for f in files]),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _request_hash(application: Application, files=None) -> str:
    return _body_hash(
        version_id=application.version_id,
        life_event_id=application.life_event_id,
        person_id=application.person_id,
        business_id=application.business_id,
        form=application.form_data,
        files=application.uploads.values_list("material_code", "sha256")
        if files is None
        else files,
    )


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": [_("Send an idempotency key of 1 to 100 characters.")]}
        )
    return key


def _same_request(found: SubmissionKey, request_hash: str) -> Submission:
    if found.request_hash != request_hash:
        raise IdempotencyConflict()
    return Submission(found.application, created=False)


def _check_complete(application: Application, schema: dict, handed_in: set | None = None) -> None:
    problems = answer_errors(schema, application.form_data)
    if handed_in is None:
        handed_in = set(application.uploads.values_list("material_code", flat=True))
    for code, material in material_codes(application).items():
        if material.necessity == Material.Necessity.REQUIRED and code not in handed_in:
            problems.setdefault(f"materials.{code}", []).append(
                _("Hand in this material: %(name)s.") % {"name": material.name}
            )
    if problems:
        raise ValidationError(problems)


def _new_number() -> str:
    """办件编号: the date and ten random digits (not guessable, unique by constraint)."""
    today = timezone.localdate()
    while True:
        number = f"{today:%Y%m%d}{secrets.randbelow(10**10):010d}"
        if not Application.objects.filter(number=number).exists():
            return number


def _mark_submitted(application: Application, actor, *, number: str = "") -> None:
    now = timezone.now()
    application.number = number or _new_number()
    application.status = Status.SUBMITTED
    application.submitted_at = now
    version = application.version
    if version is not None:
        application.time_limit = version.committed_time_limit or version.legal_time_limit
        application.due_on = due_date(timezone.localdate(now), application.time_limit)
    # The event first (it reads the fields set above), then one UPDATE with its id.
    application.submission_event = _event(
        "submitted",
        application,
        actor,
        channel=application.channel,
        version=application.version_id,
        due_on=application.due_on.isoformat() if application.due_on else None,
    )
    application.save()


def process_data(application: Application) -> dict:
    version = application.version
    lead = version.matter.department_id
    co = [d.pk for d in version.involved_departments.all() if d.pk != lead]
    return {"lead_department": lead, "co_departments": co}


def start_review(application: Application, actor) -> None:
    """Start the version's BPMN process: its first task is the lead department's
    acceptance (受理). Runs in the submission's transaction."""
    workflow.start_process(
        key=application.version.process_key,
        subject=application,
        data=process_data(application),
        actor=actor,
        due_on=application.due_on,
    )


def after_submission(application: Application, actor) -> None:
    """Steps that follow a submission in the same request and transaction.

    Instant approval (秒批, issue 9) hooks in here: a step that decides the application moves
    it out of `submitted`, and then no review process is started."""
    if application.status == Status.SUBMITTED and application.version_id:
        if instant_path.defers(application):
            return  # decided after the commit, or the review starts then (instant_path)
        start_review(application, actor)


def _submit_children(parent: Application, actor) -> None:
    """A life event (一件事): one child application per matter, each with its own number, its
    part of the combined form, and its own process in its department."""
    for index, version in enumerate(_event_versions(parent.life_event), start=1):
        fields = set((version.form_schema or {}).get("properties", {}))
        child = Application(
            version=version,
            life_event=parent.life_event,
            parent=parent,
            department=version.matter.department,
            person=parent.person,
            business=parent.business,
            created_by=parent.created_by,
            channel=parent.channel,
            registered_by=parent.registered_by,
        )
        child.form_data = {k: v for k, v in parent.form_data.items() if k in fields}
        child.save()
        _mark_submitted(child, actor, number=f"{parent.number}-{index}")
        notifications_for_department(child, "submitted")
        after_submission(child, actor)


def notifications_for_department(application: Application, kind: str) -> None:
    notifications.notify_officials(
        application, kind, department_id=application.department_id, roles=(Role.APPROVER,)
    )


def submit_application(*, actor, application: Application, idempotency_key: str) -> Submission:
    """Submit a draft (see `_submit_application`), then, for an instant-capable matter, decide
    it by its rules in the same request (秒批, `tongban.intake.instant_path`): the submission
    has committed first, so the case is never lost; the registries are read outside any
    transaction. The returned application shows the outcome."""
    submission = _submit_application(
        actor=actor, application=application, idempotency_key=idempotency_key
    )
    if submission.created:
        instant_path.decide_instantly(application=submission.application)
    return submission


@transaction.atomic
def _submit_application(*, actor, application: Application, idempotency_key: str) -> Submission:
    """Submit a draft (提交): answers and required materials are checked, the application gets
    its number (办件编号) and due date, and the review process starts.

    Safe to retry: the same `idempotency_key` (the API's `Idempotency-Key`, the HTML form's
    token) returns the same application, even when duplicates arrive at the same moment; the
    same key with a different body is refused (409, nothing changed)."""
    key = _clean_key(idempotency_key)
    application = _locked(application)  # concurrent duplicates queue here
    require(actor, "intake.act_as_applicant", application)
    files = list(application.uploads.values_list("material_code", "sha256"))
    request_hash = _request_hash(application, files)
    found = (
        SubmissionKey.objects.filter(account=actor, key=key).select_related("application").first()
    )
    if found is not None:
        return _same_request(found, request_hash)
    _check_transition(application, "submit")
    if application.version_id and application.version.status != MatterVersion.Status.PUBLISHED:
        raise Conflict(
            "version_not_published",
            _("This version of the service has been withdrawn; start a new application."),
        )
    _check_complete(application, form_schema_of(application), {code for code, _sha256 in files})
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(
                account=actor, key=key, request_hash=request_hash, application=application
            )
    except IntegrityError:
        # The key was used for another application at the same moment.
        return _same_request(SubmissionKey.objects.get(account=actor, key=key), request_hash)
    _mark_submitted(application, actor)
    if application.life_event_id and not application.version_id:
        notifications.notify_applicant(application, "submitted")
        _submit_children(application, actor)
    elif instant_path.defers(application):
        # 秒批: the applicant hears of the decision in a moment, the department of a referral
        # only (instant_path._refer tells both then).
        after_submission(application, actor)
    else:
        notifications.notify_applicant(application, "submitted")
        notifications_for_department(application, "submitted")
        after_submission(application, actor)
    return Submission(application, created=True)


@transaction.atomic
def stage_document(*, actor, material_code: str, file, name: str = ""):
    """Keep a checked file for an application still to be made (GovStack `POST /documents`)."""
    from tongban.intake.models import StagedDocument

    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted("intake.apply")
    material_code = (material_code or "").strip()
    if not material_code or len(material_code) > 50:
        raise ValidationError({"material": [_("Name the material (additionalMetadata).")]})
    try:
        content_type, size, sha256 = checked_file(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    stored = default_storage.save(f"intake/{uuid.uuid4().hex}{ALLOWED[content_type]}", file)
    try:
        document = StagedDocument.objects.create(
            token=uuid.uuid4(),
            account=actor,
            material_code=material_code,
            file=stored,
            original_name=(name or getattr(file, "name", "") or "file")[-200:],
            content_type=content_type,
            size=size,
            sha256=sha256,
        )
        record_event(
            "intake.document.staged",
            subject=document,
            payload={"sha256": sha256, "material": material_code},
            actor=actor,
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return document


FILES_DIRECTORY = "intake"


def sweep_files(*, older_than_hours: float | None = None, now=None) -> dict:
    """Remove stored material files no row refers to (an upload whose transaction rolled
    back after the file was written, a crash between the two), once they are older than
    `older_than_hours` (`TONGBAN_INTAKE_ORPHAN_HOURS`, 6): younger files may belong to an
    upload whose transaction has not committed yet. Periodic job `intake.sweep_files`."""
    from django.conf import settings

    from tongban.intake.models import StagedDocument

    hours = (
        older_than_hours
        if older_than_hours is not None
        else getattr(settings, "TONGBAN_INTAKE_ORPHAN_HOURS", 6)
    )
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=hours)
    try:
        _dirs, names = default_storage.listdir(FILES_DIRECTORY)
    except FileNotFoundError:
        return {"checked": 0, "removed": 0}
    stored = [f"{FILES_DIRECTORY}/{name}" for name in names]
    referenced = set()
    for start in range(0, len(stored), 500):
        chunk = stored[start : start + 500]
        referenced |= set(Upload.objects.filter(file__in=chunk).values_list("file", flat=True))
        referenced |= set(
            StagedDocument.objects.filter(file__in=chunk).values_list("file", flat=True)
        )
    removed = 0
    for name in stored:
        if name in referenced:
            continue
        try:
            if default_storage.get_modified_time(name) > cutoff:
                continue
        except (FileNotFoundError, NotImplementedError):
            continue
        default_storage.delete(name)
        removed += 1
    if removed:
        logger.info("orphaned files removed", extra={"removed": removed})
    return {"checked": len(stored), "removed": removed}


def _attach_documents(application: Application, documents, actor, supplement=None) -> None:
    codes = material_codes(application)
    for document in documents:
        if document.account_id != actor.pk:
            raise NotPermitted("intake.act_as_applicant")
        if document.material_code not in codes:
            raise ValidationError(
                {"documents": [_("This service does not ask for this material.")]}
            )
        Upload.objects.create(
            application=application,
            material_code=document.material_code,
            file=document.file.name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor,
            for_supplement=supplement,
        )


@transaction.atomic
def update_application(
    *, actor, application: Application, form_data: dict | None, documents: list | None = None
) -> Application:
    """The applicant updates an application file (GovStack `PUT /applications/{fileId}`):

    - a draft: the answers are replaced (when given) and the staged documents attached;
    - sent back for a supplement (补正, SENDBACK): the corrected answers (checked against the
      form now) and the documents asked for, then the supplement is answered — the
      resubmission: the task goes back to the official and the clock runs again;
    - anything else (submitted and waiting, in review, decided, withdrawn): refused with
      `IllegalTransition` (409), nothing changed."""
    application = _locked(application)
    require(actor, "intake.act_as_applicant", application)
    if form_data is not None:
        form_data = _checked_form(form_data)
    if application.status == Status.DRAFT:
        if form_data is not None:
            application = save_draft(actor=actor, application=application, form_data=form_data)
        _attach_documents(application, documents or [], actor)
        return application
    _check_transition(application, "answer_supplement")
    if form_data is not None and form_data != application.form_data:
        problems = answer_errors(form_schema_of(application), form_data)
        if problems:
            raise ValidationError(problems)
        application.form_data = form_data
        application.save(update_fields=["form_text", "updated_at"])
        _event("answers_corrected", application, actor, fields=len(form_data))
    supplement = application.supplements.filter(answered_at__isnull=True).last()
    _attach_documents(application, documents or [], actor, supplement=supplement)
    return answer_supplement(actor=actor, application=application)


class _Retry(Exception):
    def __init__(self, submission: Submission):
        self.submission = submission


def apply(
    *,
    actor,
    idempotency_key: str,
    form_data: dict,
    version: MatterVersion | None = None,
    life_event: LifeEvent | None = None,
    party: Person | Business | None = None,
    documents: list | None = None,
) -> Submission:
    """Draft and submit in one call (the API's create-and-submit), idempotent by key: a retry
    with the same key and body returns the first application (also when both arrive at the
    same moment), another body is refused (409)."""
    key = _clean_key(idempotency_key)
    form_data = _checked_form(form_data)
    found = SubmissionKey.objects.filter(account=actor, key=key).select_related("application")
    found = found.first()
    if found is not None:
        chosen = party or person_of(actor)
        return _same_request(
            found,
            _body_hash(
                version_id=version.pk if version else None,
                life_event_id=life_event.pk if life_event else None,
                person_id=chosen.pk if isinstance(chosen, Person) else None,
                business_id=chosen.pk if isinstance(chosen, Business) else None,
                form=form_data,
                files=[(d.material_code, d.sha256) for d in documents or []],
            ),
        )
    try:
        with transaction.atomic():
            draft = save_draft(
                actor=actor,
                form_data=form_data,
                version=version,
                life_event=life_event,
                party=party,
            )
            _attach_documents(draft, documents or [], actor)
            submission = _submit_application(actor=actor, application=draft, idempotency_key=key)
            if not submission.created:
                raise _Retry(submission)  # a duplicate won the race: drop this draft
    except _Retry as retry:
        return retry.submission
    instant_path.decide_instantly(application=submission.application)
    return submission


# -- officials' steps -------------------------------------------------------------------------


def _task_of(application: Application, task: Task | int) -> Task:
    pk = task.pk if isinstance(task, Task) else task
    found = (
        Task.objects.select_related("instance")
        .filter(
            pk=pk,
            instance__subject_type=SUBJECT_TYPE,
            instance__subject_id=str(application.pk),
        )
        .first()
    )
    if found is None:
        raise Task.DoesNotExist
    return found


def _official_step(application: Application, actor) -> None:
    require(actor, "intake.view_application", application)
    if official_of(actor) is None:
        raise NotPermitted("workflow.work_on_task")


@transaction.atomic
def claim_task(
    *, actor, application: Application, task: Task | int, expected_version: int | None = None
) -> Task:
    """签收: take a task of the case from the department's queue."""
    application = _locked(application)
    _official_step(application, actor)
    task = _task_of(application, task)
    task = workflow.claim_task(task=task, actor=actor, expected_version=expected_version)
    _event("task_claimed", application, actor, task=task.pk, step=task.element_id)
    return task


@transaction.atomic
def return_task(
    *,
    actor,
    application: Application,
    task: Task | int,
    reason: str,
    expected_version: int | None = None,
) -> Task:
    """退回: give a claimed task back to the department's queue, with a reason."""
    application = _locked(application)
    _official_step(application, actor)
    reason = _text(reason, "reason", required=True, message=_("Say why the task is returned."))
    task = workflow.return_task(
        task=_task_of(application, task),
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )
    _event("task_returned", application, actor, task=task.pk, reason_length=len(reason))
    return task


@transaction.atomic
def decide_task(
    *,
    actor,
    application: Application,
    task: Task | int,
    outcome: str,
    reasons: str = "",
    legal_basis: str = "",
    expected_version: int | None = None,
) -> Application:
    """An official's step on the case: accept or refuse (受理 / 不予受理), review, or decide.

    Completes the BPMN task and moves the application in the same transaction; a refusal, a
    rejection, a return and every final decision need reasons and a legal basis. An approval
    of a matter whose result is an e-licence issues it here, in the same transaction (the
    licence is unique per case, so it is issued exactly once)."""
    application = _locked(application)
    _official_step(application, actor)
    if application.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW):
        raise IllegalTransition("decide", application.status)
    task = _task_of(application, task)
    final = task.element_id in FINAL_STEPS
    strict = final or outcome in NEGATIVE
    reasons = _text(
        reasons, "reasons", required=strict, message=_("Give the reasons for this decision.")
    )
    legal_basis = _text(
        legal_basis,
        "legal_basis",
        required=strict,
        message=_("Name the legal basis of this decision."),
    )
    if task.element_id == "accept":
        _check_transition(application, "accept" if outcome == "accept" else "refuse")
    step = workflow.complete_task(
        task=task, actor=actor, outcome=outcome, expected_version=expected_version
    )
    official = official_of(actor)
    Opinion.objects.create(
        application=application,
        task=task,
        step=task.name,
        department_id=task.department_id,
        official=official,
        outcome=outcome,
        reasons=reasons,
        legal_basis=legal_basis,
    )
    now = timezone.now()
    if task.element_id == "accept" and outcome == "accept":
        application.status = Status.ACCEPTED
        application.accepted_at = now
        application.save()
        _event("accepted", application, actor, task=task.pk)
        notifications.notify_applicant(application, "accepted")
    elif application.status == Status.ACCEPTED and not step.ended:
        application.status = Status.IN_REVIEW
        application.save()
        _event("reviewed", application, actor, task=task.pk, outcome=outcome)
    else:
        _event("reviewed", application, actor, task=task.pk, outcome=outcome)
    if step.ended:
        _record_decision(application, actor, step.end_event, outcome, reasons, legal_basis)
    _sync_parent(application, actor)
    return application


def _record_decision(application, actor, end_event, outcome, reasons, legal_basis) -> None:
    if end_event == "refused" or (application.status == Status.SUBMITTED and outcome != "approve"):
        action = "refuse"
    elif outcome == "approve":
        action = "approve"
    else:
        action = "reject"
    if application.status == Status.SUBMITTED and action != "refuse":
        application.status = Status.ACCEPTED  # a process without an acceptance step
    target = _check_transition(application, action)
    application.status = target
    application.outcome = target
    application.decided_at = timezone.now()
    application.decision_reasons = reasons
    application.legal_basis = legal_basis
    application.decided_by = official_of(actor)
    application.paused_on = None
    if action == "approve" and application.version.result_licence_type:
        application.licence = issue_result(application, actor)
    application.save()
    application.decision_event = _event(
        {"refuse": "refused", "approve": "approved", "reject": "rejected"}[action],
        application,
        actor,
        licence=application.licence.identifier if application.licence_id else None,
    )
    application.save(update_fields=["decision_event"])
    notifications.notify_applicant(application, target, reasons)


# Licence fields that a form names differently, and fields taken from the holder.
LICENCE_ALIASES = {
    "gender": ("child_gender", "gender", "sex"),
    "birth_place": ("hospital", "birth_place"),
    "name": ("applicant_name", "name"),
}


def licence_fields(application: Application, licence_type) -> dict:
    """The licence's fields from the form answers (by name, or a known alias) and from the
    holder (name, birth date and sex from the ID number)."""
    answers = application.form_data
    holder = application.party
    derived = {}
    if isinstance(holder, Person):
        derived = {"holder_name": holder.real_name, "name": holder.real_name}
        try:
            number = holder.id_number
            derived["birth_date"] = birth_date(number).isoformat()
            derived["gender"] = "男" if int(number[16]) % 2 else "女"
        except (ValueError, IndexError):
            pass
    elif isinstance(holder, Business):
        derived = {"name": holder.name, "business_name": holder.name}
    fields = {}
    for name in licence_type.field_schema.get("properties", {}):
        for alias in LICENCE_ALIASES.get(name, (name,)):
            if answers.get(alias) not in (None, ""):
                fields[name] = answers[alias]
                break
        else:
            if name in derived:
                fields[name] = derived[name]
    return fields


def issue_result(application: Application, actor):
    from tongban.licences.models import LicenceType
    from tongban.licences.services import issue_licence

    licence_type = LicenceType.objects.get(code=application.version.result_licence_type)
    issuers = licence_type.issuing_departments.all()
    issuer = next((d for d in issuers if d.pk == application.department_id), None) or (
        issuers.first()
    )
    fields = licence_fields(application, licence_type)
    try:
        return issue_licence(
            licence_type=licence_type,
            issuer=issuer,
            holder=application.party,
            fields=fields,
            source_case=application.number,
            actor=actor,
        )
    except ValidationError as error:
        raise ValidationError(
            {
                "licence": [
                    _("The e-licence cannot be issued from this application: %(problems)s")
                    % {"problems": "; ".join(error.messages)}
                ]
            }
        ) from None


@transaction.atomic
def request_supplement(
    *,
    actor,
    application: Application,
    task: Task | int,
    reasons: str,
    materials: list[str] | None = None,
    expected_version: int | None = None,
) -> Supplement:
    """补正: tell the applicant everything that is missing at once; the clock stops until the
    applicant answers, and the task waits with the official who asked."""
    application = _locked(application)
    _official_step(application, actor)
    target = _check_transition(application, "request_supplement")
    reasons = _text(
        reasons, "reasons", required=True, message=_("Say what is missing or must be corrected.")
    )
    materials = [m for m in (materials or []) if m]
    unknown = set(materials) - set(material_codes(application))
    if unknown:
        raise ValidationError({"materials": [_("This service does not ask for this material.")]})
    task = workflow.request_supplement(
        task=_task_of(application, task), actor=actor, expected_version=expected_version
    )
    supplement = Supplement.objects.create(
        application=application,
        task=task,
        reasons=reasons,
        materials=materials,
        requested_by=official_of(actor),
    )
    application.resume_status = application.status
    application.status = target
    application.paused_on = timezone.localdate()
    application.save()
    _event("supplement_requested", application, actor, task=task.pk, materials=materials)
    notifications.notify_applicant(application, "supplement", reasons)
    return supplement


@transaction.atomic
def answer_supplement(*, actor, application: Application, answer: str = "") -> Application:
    """The applicant hands in what was asked (materials through `add_material` first): the
    task goes back to the official, the clock runs again from where it stopped."""
    application = _locked(application)
    require(actor, "intake.act_as_applicant", application)
    _check_transition(application, "answer_supplement")
    supplement = application.supplements.filter(answered_at__isnull=True).last()
    answer = _text(answer, "answer", required=False)
    handed_in = set(supplement.uploads.values_list("material_code", flat=True))
    missing = [code for code in supplement.materials if code not in handed_in]
    if missing:
        raise ValidationError(
            {f"materials.{code}": [_("Hand in this material.")] for code in missing}
        )
    today = timezone.localdate()
    supplement.answer = answer
    supplement.answered_at = timezone.now()
    supplement.save()
    if supplement.task_id:
        workflow.resume_task(task=supplement.task_id, actor=actor)
    application.due_on = resumed_due_date(application.due_on, application.paused_on, today)
    application.status = application.resume_status or Status.SUBMITTED
    application.resume_status = ""
    application.paused_on = None
    application.save()
    _set_due(application, actor)
    _event("supplement_answered", application, actor, files=len(handed_in))
    notifications.notify_officials(
        application,
        "submitted",
        department_id=supplement.task.department_id
        if supplement.task_id
        else (application.department_id),
        roles=(Role.APPROVER,),
    )
    return application


@transaction.atomic
def withdraw_application(*, actor, application: Application, reason: str = "") -> Application:
    """撤回: the applicant withdraws before the decision; the process and its tasks stop."""
    application = _locked(application)
    require(actor, "intake.act_as_applicant", application)
    target = _check_transition(application, "withdraw")
    reason = _text(reason, "reason", required=False)
    for child in application.children.filter(status__in=ACTIVE):
        withdraw_application(actor=actor, application=child, reason=reason)
    instance = _process(application)
    if instance is not None and instance.status == ProcessInstance.Status.RUNNING:
        workflow.cancel_process(instance=instance, actor=actor, reason=reason or "withdrawn")
    was_draft = application.status == Status.DRAFT
    application.status = target
    application.withdrawn_at = timezone.now()
    application.paused_on = None
    application.save()
    _event("withdrawn", application, actor, reason_length=len(reason))
    if not was_draft:
        notifications.notify_applicant(application, "withdrawn")
    return application


@transaction.atomic
def deliver_result(*, actor, application: Application) -> Application:
    """送达: the decision (and e-licence) reached the applicant."""
    application = _locked(application)
    require(actor, "intake.deliver_result", application)
    application.status = _check_transition(application, "deliver")
    application.delivered_at = timezone.now()
    application.save()
    _event("delivered", application, actor)
    notifications.notify_applicant(application, "delivered")
    return application


@transaction.atomic
def close_application(*, actor, application: Application) -> Application:
    """办结归档: nothing more happens to the case."""
    application = _locked(application)
    require(actor, "intake.deliver_result", application)
    application.status = _check_transition(application, "close")
    application.closed_at = timezone.now()
    application.save()
    _event("closed", application, actor)
    return application


# -- life events ------------------------------------------------------------------------------


def combined_status(statuses: list[str]) -> str:
    """One status for a life event (一件事) from its children's: approved when every
    child is approved or delivered, rejected when any was rejected or refused and all are
    decided, in review while any is with the departments."""
    if not statuses:
        return Status.SUBMITTED
    if any(s in ACTIVE for s in statuses):
        busy = {Status.ACCEPTED, Status.IN_REVIEW} | set(DECIDED)
        return Status.IN_REVIEW if any(s in busy for s in statuses) else Status.SUBMITTED
    if all(s == Status.WITHDRAWN for s in statuses):
        return Status.WITHDRAWN
    if all(s in (Status.APPROVED, Status.DELIVERED, Status.CLOSED) for s in statuses):
        return Status.APPROVED
    return Status.REJECTED


def _sync_parent(child: Application, actor) -> None:
    if not child.parent_id:
        return
    parent = _locked(child.parent_id)
    if parent.status in (Status.WITHDRAWN, Status.DRAFT):
        return
    status = combined_status(list(parent.children.values_list("status", flat=True)))
    if status != parent.status:
        parent.status = status
        if status in DECIDED:
            parent.decided_at = timezone.now()
            parent.outcome = status
        parent.save()
        _event("combined_status", parent, actor, child=child.pk)
        if status in DECIDED:
            notifications.notify_applicant(parent, status)


# -- deadlines --------------------------------------------------------------------------------

DEADLINE_ACTOR = "system:intake-deadlines"


def watch_deadlines(*, today: datetime.date | None = None, warn_days: int | None = None) -> dict:
    """The worker's periodic job: warn the lead department's approvers `warn_days` working
    days before a due date, and escalate overdue cases to the department head role. Each
    application once, in its own transaction; paused clocks (补正) are skipped."""
    from django.conf import settings
    from django.db.models import Q

    today = today or timezone.localdate()
    warn_days = settings.TONGBAN_INTAKE_WARN_WORKING_DAYS if warn_days is None else warn_days
    try:
        horizon = WorkingDayCalendar().add_working_days(today, warn_days)
    except CalendarUnavailable:
        horizon = today + datetime.timedelta(days=warn_days)
    candidates = Application.objects.filter(
        status__in=(Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW), due_on__isnull=False
    ).filter(
        Q(warned_on__isnull=True, due_on__lte=horizon)
        | Q(escalated_on__isnull=True, due_on__lt=today)
    )
    counts = {"warned": 0, "escalated": 0}
    for pk in candidates.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            application = _locked(pk)
            if application.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW):
                continue
            if application.due_on < today and application.escalated_on is None:
                application.escalated_on = today
                application.warned_on = application.warned_on or today
                application.save(update_fields=["escalated_on", "warned_on"])
                _event("escalated", application, DEADLINE_ACTOR, due_on=str(application.due_on))
                notifications.notify_officials(
                    application,
                    "escalated",
                    department_id=application.department_id,
                    roles=(Role.DEPARTMENT_HEAD,),
                )
                counts["escalated"] += 1
            elif application.warned_on is None and application.due_on <= horizon:
                application.warned_on = today
                application.save(update_fields=["warned_on"])
                _event(
                    "deadline_warning", application, DEADLINE_ACTOR, due_on=str(application.due_on)
                )
                notifications.notify_officials(
                    application,
                    "deadline_warning",
                    department_id=application.department_id,
                    roles=(Role.APPROVER,),
                )
                counts["warned"] += 1
    return counts


def counter_person(*, actor, id_number: str) -> Person | None:
    """A counter clerk finds the walk-in applicant by ID number (identity checked in person)."""
    from tongban.core.identifiers import clean_id_number

    require(actor, "intake.register_at_counter")
    number = clean_id_number(id_number)
    return Person.objects.filter(id_number_index=Person.index_for(number)).first()


@transaction.atomic
def start_at_counter(
    *, actor, id_number: str, version: MatterVersion, verified_document: str = ""
) -> Application | None:
    """一窗受理: the clerk, having checked the walk-in applicant's identity document in person,
    starts a draft for them. With `verified_document` (the kind of document seen) the check is
    also recorded as the person's identity verification — L3, method `counter`, through
    `identity.services.verify_identity` — in the same transaction; a person already at L3 is
    left as they are. None when no one with this ID number is registered."""
    from tongban.identity.models import IdentityVerification
    from tongban.identity.services import verify_identity

    person = counter_person(actor=actor, id_number=id_number)
    if person is None:
        return None
    if verified_document and person.assurance < Person.Assurance.L3:
        verify_identity(
            actor=actor,
            person=person,
            method=IdentityVerification.Method.COUNTER,
            document=verified_document,
        )
    return save_draft(actor=actor, version=version, party=person, form_data={})


def may(actor, permission: str, obj=None) -> bool:
    return allowed(actor, permission, obj)
