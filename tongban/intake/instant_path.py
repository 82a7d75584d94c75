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
  reasons; the applicant may ask for human review (`instant.services.request_review`).

Never a lost submission: if anything fails after the submission committed, the review starts
instead; if the request itself dies there, the periodic job `intake.start_undecided_reviews`
starts the review of instant-capable submissions left without a process.

Import direction: intake -> instant -> exchange / workflow / licences / catalog (ADR 0090)."""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from tongban.catalog.models import MatterVersion
from tongban.identity.models import Person
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


def defers(application: Application) -> bool:
    """Whether the submission leaves the review to the instant path (a stand-alone application
    of a person under a version with an active decision)."""
    return (
        application.parent_id is None
        and application.person_id is not None
        and application.business_id is None
        and instant_capable(application.version)
    )


def in_callers_transaction() -> bool:
    """Whether the caller holds a transaction open (a test case's own does not count, as for
    Django's `durable` check): then the registries cannot be read yet."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _undecided(application: Application) -> bool:
    from tongban.intake import services as intake

    return application.status == Status.SUBMITTED and intake._process(application) is None


def start_review_if_undecided(application: Application) -> bool:
    """Start the normal review of a deferred submission that nobody decided (in the caller's
    transaction, or its own)."""
    from tongban.intake import services as intake

    with transaction.atomic():
        locked = intake._locked(application)
        if not _undecided(locked):
            return False
        intake.start_review(locked, ACTOR)
        return True


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
    try:
        evaluation = instant.decide(
            version=application.version,
            applicant=party if isinstance(party, Person) else None,
            answers=application.form_data,
            case_reference=application.number,
            actor=ACTOR,
            timeout=timeout,
            within=lambda evaluation: _act(application, evaluation),
        )
    except Exception:
        logger.exception("instant path failed; normal review instead")
        start_review_if_undecided(application)
        return None
    application.refresh_from_db()
    return evaluation


def _act(application: Application, evaluation: Evaluation) -> None:
    from tongban.intake import services as intake

    locked = intake._locked(application)
    if not _undecided(locked):
        return  # decided or taken up meanwhile: the rules' view stays attached
    if evaluation.outcome == Outcome.REFER:
        intake.start_review(locked, ACTOR)
        return
    now = timezone.now()
    reference = str(evaluation.public_id)
    locked.status = intake._check_transition(locked, "accept")
    locked.accepted_at = now
    locked.save()
    intake._event("accepted", locked, ACTOR, instant=reference)
    approve = evaluation.outcome == Outcome.APPROVE
    locked.status = intake._check_transition(locked, "approve" if approve else "reject")
    locked.decided_at = now
    locked.decision_reasons = evaluation.reason_zh
    locked.legal_basis = locked.version.legal_basis
    locked.paused_on = None
    if approve:
        locked.licence = instant.issue_result(evaluation=evaluation, actor=ACTOR)
    locked.save()
    locked.decision_event = intake._event(
        "approved" if approve else "rejected",
        locked,
        ACTOR,
        licence=locked.licence.identifier if locked.licence_id else None,
        instant=reference,
    )
    locked.save(update_fields=["decision_event"])
    notifications.notify_applicant(locked, locked.status, evaluation.reason_zh)


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
