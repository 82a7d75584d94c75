"""The instant path (秒批): an instant-capable application decided in the request that
submitted it.

The submission commits first with its number and due date; for an instant-capable matter
(`defers`) the review process is not started in that transaction. Then, outside any
transaction (the exchange gateway commits its access-log lines before answering),
`instant.services.decide` fetches the inputs and evaluates the matter's decision table, and
the transaction that records the evaluation also acts on it:

- approve: the application is accepted and approved, the licence issued from the evaluation's
  inputs, every event recorded — the applicant's response already shows the result;
- refer (missing data, a registry slow or refusing, the rules say so): the review process
  starts, with the evaluation attached by the case number;
- reject, only where the matter allows automatic refusal: accepted and rejected with the rules'
  reasons; the applicant may ask for human review once (`request_human_review`, 人工复核): the
  case goes back to submitted and the normal review starts with the evaluation attached.

Never a lost submission: if anything fails after the submission committed, the review starts
instead; if the request itself dies there, the periodic job `intake.start_undecided_reviews`
starts the review of instant-capable submissions left without a process.

Import direction: intake -> instant -> exchange / workflow / licences / catalog (ADR 0090)."""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import MatterVersion
from tongban.core.api import Conflict
from tongban.core.permissions import require
from tongban.identity.models import Person
from tongban.identity.predicates import person_of
from tongban.instant import inputs as instant_inputs
from tongban.instant import services as instant
from tongban.instant.models import Evaluation, Outcome
from tongban.intake import notifications
from tongban.intake.models import Application, Status
from tongban.workflow.models import ProcessInstance

logger = logging.getLogger("tongban.intake")

ACTOR = instant.SYSTEM_ACTOR


def instant_capable(version: MatterVersion | None) -> bool:
    return bool(
        version is not None and version.instant_approval and instant.active_decision(version)
    )


def _active_decision(application: Application):
    """The version's active decision, looked up once per application object (the submission,
    the decision and its transaction all ask)."""
    if not hasattr(application, "_instant_decision"):
        version = application.version
        application._instant_decision = (
            instant.active_decision(version)
            if version is not None and version.instant_approval
            else None
        )
    return application._instant_decision


def defers(application: Application) -> bool:
    """Whether the submission leaves the review to the instant path (a stand-alone application
    of a person under a version with an active decision)."""
    return (
        application.parent_id is None
        and application.person_id is not None
        and application.business_id is None
        and application.version_id is not None
        and _active_decision(application) is not None
    )


def in_callers_transaction() -> bool:
    """Whether the caller holds a transaction open (a test case's own does not count, as for
    Django's `durable` check): then the registries cannot be read yet."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _undecided(application: Application) -> bool:
    from tongban.intake import services as intake

    return application.status == Status.SUBMITTED and intake._process(application) is None


def _refer(locked: Application) -> None:
    """The normal review of a deferred submission; the applicant and the department hear of
    its receipt only now (an instant decision tells the applicant the outcome instead)."""
    from tongban.intake import services as intake

    intake.start_review(locked, ACTOR)
    notifications.notify_applicant(locked, "submitted")
    intake.notifications_for_department(locked, "submitted")


def start_review_if_undecided(application: Application) -> bool:
    """Start the normal review of a deferred submission that nobody decided (in the caller's
    transaction, or its own)."""
    from tongban.intake import services as intake

    with transaction.atomic():
        locked = intake._locked(application)
        if not _undecided(locked):
            return False
        _refer(locked)
        return True


def _copy_decided(source: Application, target: Application) -> None:
    """What `refresh_from_db` would do, from the row the deciding transaction wrote."""
    for field in Application._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    if source.licence_id:
        target.licence = source.licence


def decide_instantly(*, application: Application, timeout: float | None = None):
    """Decide a just-submitted application by its matter's rules. Returns the `Evaluation`, or
    None when the application is not on the instant path (its review runs as usual)."""
    if application.status != Status.SUBMITTED or not defers(application):
        return None
    if in_callers_transaction():
        logger.warning("instant path: called inside a transaction; normal review instead")
        start_review_if_undecided(application)
        return None
    party = application.party
    acted: dict[str, Application] = {}
    try:
        evaluation = instant.decide(
            version=application.version,
            applicant=party if isinstance(party, Person) else None,
            answers=application.form_data,
            case_reference=application.number,
            actor=ACTOR,
            timeout=timeout,
            within=lambda evaluation: _act(application, evaluation, acted),
            attached=_active_decision(application),
        )
    except Exception:
        logger.exception("instant path failed; normal review instead")
        start_review_if_undecided(application)
        return None
    if "application" in acted:
        _copy_decided(acted["application"], application)
    else:
        application.refresh_from_db()
    return evaluation


def _act(application: Application, evaluation: Evaluation, acted: dict) -> None:
    """In the evaluation's transaction: refer, or accept and decide (and issue the licence),
    with the application written once after its events."""
    from tongban.intake import services as intake

    locked = intake._locked(application)
    if not _undecided(locked):
        return  # decided or taken up meanwhile: the rules' view stays attached
    acted["application"] = locked
    if evaluation.outcome == Outcome.REFER:
        _refer(locked)
        return
    now = timezone.now()
    reference = str(evaluation.public_id)
    locked.status = intake._check_transition(locked, "accept")
    locked.accepted_at = now
    intake._event("accepted", locked, ACTOR, instant=reference)
    approve = evaluation.outcome == Outcome.APPROVE
    locked.status = intake._check_transition(locked, "approve" if approve else "reject")
    locked.outcome = locked.status
    locked.decided_at = now
    locked.decision_reasons = evaluation.reason_zh
    locked.legal_basis = locked.version.legal_basis
    locked.paused_on = None
    if approve:
        locked.licence = instant.issue_result(evaluation=evaluation, actor=ACTOR)
    locked.decision_event = intake._event(
        "approved" if approve else "rejected",
        locked,
        ACTOR,
        licence=locked.licence.identifier if locked.licence_id else None,
        instant=reference,
    )
    locked.save()
    notifications.notify_applicant(locked, locked.status, evaluation.reason_zh)


def automatic_refusal(application: Application) -> Evaluation | None:
    """The evaluation that refused this case automatically and may still be put before an
    official, or None (decided by an official, not refused, or review already asked for)."""
    from tongban.instant.selectors import evaluations_of_case

    if application.status != Status.REJECTED or application.decided_by_id or not application.number:
        return None
    evaluation = evaluations_of_case(application.number).first()
    return evaluation if evaluation is not None and evaluation.may_request_review else None


@transaction.atomic
def request_human_review(*, actor, application: Application) -> Application:
    """人工复核: the applicant (or their guardian or agent) puts an automatic refusal before an
    official. Allowed once, only for a case the rules refused: the evaluation records the
    request (`instant.review_requested`), the application goes back to submitted
    (`reopen_for_review`) with the previous decision cleared from it (the ledger keeps it) and
    a new due date from today, and the normal review process starts — the evaluation stays
    attached by the case number; the official's decision then stands. Refusals change
    nothing: `NotPermitted`, `IllegalTransition`, or `Conflict` ("review_not_possible")."""
    from tongban.intake import services as intake

    locked = intake._locked(application)
    require(actor, "intake.request_review", locked)
    target = intake._check_transition(locked, "reopen_for_review")
    evaluation = automatic_refusal(locked)
    if evaluation is None:
        raise Conflict(
            "review_not_possible",
            _("Human review can be asked for once, and only for an automatic refusal."),
        )
    party = locked.party
    evaluation = instant.record_review_request(
        evaluation=evaluation,
        actor=actor,
        on_behalf_of=None if person_of(actor) == party else party,
    )
    locked.status = target
    locked.outcome = ""
    locked.accepted_at = locked.decided_at = None
    locked.decision_reasons = locked.legal_basis = ""
    locked.decision_event = None
    locked.paused_on = locked.warned_on = locked.escalated_on = None
    locked.due_on = intake.due_date(timezone.localdate(), locked.time_limit)
    locked.save()
    intake._event(
        "review_requested",
        locked,
        actor,
        instant=str(evaluation.public_id),
        due_on=locked.due_on.isoformat() if locked.due_on else None,
    )
    intake.start_review(locked, actor)
    intake.notifications_for_department(locked, "review_requested")
    notifications.notify_applicant(locked, "review_requested")
    return locked


def review_handler(*, evaluation: Evaluation, actor) -> bool:
    """Registered with `instant.services.register_review_handler`: a review request made on
    the evaluation's page reopens the application it decided."""
    application = (
        Application.objects.filter(number=evaluation.case_reference, parent__isnull=True)
        .only("pk")
        .first()
    )
    if application is None:
        return False
    request_human_review(actor=actor, application=application)
    return True


def review_requested_numbers(numbers) -> set[str]:
    """Which of these case numbers were reopened for human review after an automatic refusal
    (the workbench marks them)."""
    numbers = [n for n in numbers if n]
    if not numbers:
        return set()
    return set(
        Evaluation.objects.filter(
            case_reference__in=numbers, review_requested_at__isnull=False
        ).values_list("case_reference", flat=True)
    )


def start_undecided_reviews(*, now: datetime.datetime | None = None) -> int:
    """The periodic safety net: instant-capable submissions older than the fetch deadline (and
    a margin) that have neither a decision nor a review process get their review."""
    now = now or timezone.now()
    margin = datetime.timedelta(seconds=instant_inputs.fetch_timeout() + 60)
    started = 0
    candidates = Application.objects.filter(
        status=Status.SUBMITTED,
        parent__isnull=True,
        version__instant_approval=True,
        submitted_at__lt=now - margin,
    ).select_related("version")
    running = ProcessInstance.objects.filter(subject_type="intake.application").values_list(
        "subject_id", flat=True
    )
    for application in candidates.exclude(pk__in=[int(pk) for pk in running])[:200]:
        started += start_review_if_undecided(application)
    return started


def explanation_for(application: Application):
    """The explanation of the latest evaluation of this case, for intake's pages (or None)."""
    from tongban.instant.selectors import evaluations_of_case, explain

    if not application.number:
        return None
    evaluation = evaluations_of_case(application.number).first()
    return explain(evaluation) if evaluation is not None else None
