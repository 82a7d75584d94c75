"""The instant path (秒批): an instant-capable application decided in the request that
submitted it.

The submission commits first, exactly as for any matter — number, due date, and the review
process with its acceptance task — so a request that dies afterwards leaves an ordinary case in
the officials' queue: never a lost submission. Then, outside any transaction (the exchange
gateway commits its access-log lines before answering), `instant.services.decide` fetches the
inputs and evaluates the matter's decision table, and one short transaction acts on it:

- approve: the review process is cancelled, the application is accepted and approved, the
  licence is issued from the evaluation's inputs, every event is recorded — the applicant's
  response already shows the result;
- refer (missing data, a registry slow or refusing, the rules say so): nothing moves; the
  case is in the officials' queue with the evaluation attached (by its case number);
- reject, only where the matter allows automatic refusal: accepted and rejected with the
  rules' reasons; the applicant may ask for human review (`instant.services.request_review`).

Import direction: intake -> instant -> exchange / workflow / licences / catalog (ADR 0090)."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from tongban.catalog.models import MatterVersion
from tongban.identity.models import Person
from tongban.instant import services as instant
from tongban.instant.models import Evaluation, Outcome
from tongban.intake import notifications
from tongban.intake.models import Application, Status
from tongban.workflow import services as workflow
from tongban.workflow.models import ProcessInstance

logger = logging.getLogger("tongban.intake")

ACTOR = instant.SYSTEM_ACTOR


def instant_capable(version: MatterVersion | None) -> bool:
    return bool(
        version is not None and version.instant_approval and instant.active_decision(version)
    )


def in_callers_transaction() -> bool:
    """Whether the caller holds a transaction open (a test case's own does not count, as for
    Django's `durable` check): then the registries cannot be read yet."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def decide_instantly(*, application: Application, timeout: float | None = None):
    """Decide a just-submitted application by its matter's rules. Returns the `Evaluation`, or
    None when the application is not instant-capable (or no longer just submitted)."""
    from tongban.intake import services as intake

    if (
        application.status != Status.SUBMITTED
        or application.parent_id is not None
        or not instant_capable(application.version)
        or not isinstance(application.party, Person)
    ):
        return None
    if in_callers_transaction():
        logger.warning("instant path skipped: called inside a transaction")
        return None
    evaluation = instant.decide(
        version=application.version,
        applicant=application.party,
        answers=application.form_data,
        case_reference=application.number,
        actor=ACTOR,
        timeout=timeout,
    )
    if evaluation.outcome == Outcome.REFER:
        return evaluation
    with transaction.atomic():
        locked = intake._locked(application)
        if locked.status != Status.SUBMITTED:
            return evaluation  # an official was quicker: the rules' view stays attached
        _conclude(locked, evaluation, intake)
    application.refresh_from_db()
    return evaluation


def _conclude(application: Application, evaluation: Evaluation, intake) -> None:
    instance = intake._process(application)
    if instance is not None and instance.status == ProcessInstance.Status.RUNNING:
        workflow.cancel_process(instance=instance, actor=ACTOR, reason="instant approval")
    now = timezone.now()
    reference = str(evaluation.public_id)
    application.status = intake._check_transition(application, "accept")
    application.accepted_at = now
    application.save()
    intake._event("accepted", application, ACTOR, instant=reference)
    approve = evaluation.outcome == Outcome.APPROVE
    application.status = intake._check_transition(application, "approve" if approve else "reject")
    application.decided_at = now
    application.decision_reasons = evaluation.reason_zh
    application.legal_basis = application.version.legal_basis
    application.paused_on = None
    if approve:
        application.licence = instant.issue_result(evaluation=evaluation, actor=ACTOR)
    application.save()
    application.decision_event = intake._event(
        "approved" if approve else "rejected",
        application,
        ACTOR,
        licence=application.licence.identifier if application.licence_id else None,
        instant=reference,
    )
    application.save(update_fields=["decision_event"])
    notifications.notify_applicant(application, application.status, evaluation.reason_zh)


def explanation_for(application: Application):
    """The explanation of the latest evaluation of this case, for intake's pages (or None)."""
    from tongban.instant.selectors import evaluations_of_case, explain

    if not application.number:
        return None
    evaluation = evaluations_of_case(application.number).first()
    return explain(evaluation) if evaluation is not None else None
