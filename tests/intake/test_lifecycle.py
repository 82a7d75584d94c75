"""The lifecycle: every legal transition on the single-department process, and every illegal
one refused with nothing changed."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from tests.intake.conftest import ANSWERS, decide, draft, open_task, pdf, submit
from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.intake import services
from tongban.intake.models import Application, Message, Status
from tongban.intake.services import IllegalTransition
from tongban.workflow.models import ProcessInstance, Task


def reach(status, citizen, version, officials):
    """An application of 张伟 in `status`."""
    approver = officials["wjw.approver"]
    if status == Status.DRAFT:
        return draft(citizen, version)
    app = submit(citizen, version)
    if status == Status.SUBMITTED:
        return app
    if status == Status.WITHDRAWN:
        return services.withdraw_application(actor=citizen, application=app)
    if status == Status.REFUSED:
        return decide(approver, app, "accept", "refuse")
    if status == Status.SUPPLEMENT:
        services.request_supplement(
            actor=approver, application=app, task=open_task(app, "accept"), reasons="缺少照片"
        )
        return Application.objects.get(pk=app.pk)
    app = decide(approver, app, "accept", "accept")
    if status == Status.ACCEPTED:
        return app
    app = decide(approver, app, "review", "approve")
    if status == Status.IN_REVIEW:
        return app
    app = decide(approver, app, "decide", "reject" if status == Status.REJECTED else "approve")
    if status in (Status.APPROVED, Status.REJECTED):
        return app
    app = services.deliver_result(actor=approver, application=app)
    if status == Status.DELIVERED:
        return app
    return services.close_application(actor=approver, application=app)


def test_online_application_from_draft_to_closed(
    citizen, single_version, officials, django_capture_on_commit_callbacks
):
    approver = officials["wjw.approver"]
    app = draft(citizen, single_version)
    assert app.status == Status.DRAFT and not app.number
    with django_capture_on_commit_callbacks(execute=True):
        app = services.submit_application(
            actor=citizen, application=app, idempotency_key="k-1"
        ).application
    assert app.status == Status.SUBMITTED and len(app.number) == 18
    assert app.due_on is not None and app.time_limit == 5
    instance = ProcessInstance.objects.get(subject_id=str(app.pk))
    assert instance.due_on == app.due_on
    assert open_task(app, "accept").department_id == app.department_id
    app = decide(approver, app, "accept", "accept")
    assert app.status == Status.ACCEPTED and app.accepted_at
    app = decide(approver, app, "review", "approve")
    assert app.status == Status.IN_REVIEW
    app = decide(approver, app, "decide", "approve")
    assert app.status == Status.APPROVED and app.decided_by.account == approver
    assert app.legal_basis and app.decision_reasons and app.decision_event
    app = services.deliver_result(actor=approver, application=app)
    app = services.close_application(actor=approver, application=app)
    assert app.status == Status.CLOSED
    kinds = list(
        Event.objects.filter(subject_type="intake.application", subject_id=str(app.pk))
        .order_by("id")
        .values_list("kind", flat=True)
    )
    for kind in (
        "draft_created",
        "material_added",
        "submitted",
        "accepted",
        "reviewed",
        "approved",
        "delivered",
        "closed",
    ):
        assert f"intake.application.{kind}" in kinds
    subjects = set(Message.objects.filter(account=citizen).values_list("kind", flat=True))
    assert {"submitted", "accepted", "approved", "delivered"} <= subjects
    from django.core import mail

    from tongban.intake.models import Delivery
    from tongban.intake.notifications import send

    for delivery in Delivery.objects.filter(application=app):  # what the worker does
        send(delivery.pk)
    assert any(app.number in m.subject for m in mail.outbox)


def test_refused_at_intake_with_reasons(citizen, single_version, officials):
    app = submit(citizen, single_version)
    app = decide(officials["wjw.approver"], app, "accept", "refuse", reasons="不属于本机关职权范围")
    assert app.status == Status.REFUSED
    assert app.decision_reasons == "不属于本机关职权范围"
    assert ProcessInstance.objects.get(subject_id=str(app.pk)).end_event == "refused"
    app = services.close_application(actor=officials["wjw.approver"], application=app)
    assert app.status == Status.CLOSED


def test_rejection_and_return_to_review(citizen, single_version, officials):
    approver = officials["wjw.approver"]
    app = reach(Status.IN_REVIEW, citizen, single_version, officials)
    app = decide(approver, app, "decide", "return", reasons="再核实出生信息")
    assert app.status == Status.IN_REVIEW
    app = decide(approver, app, "review", "approve")
    app = decide(approver, app, "decide", "reject", reasons="不符合条件")
    assert app.status == Status.REJECTED


def test_supplement_pauses_and_resumes(citizen, single_version, officials):
    approver = officials["wjw.approver"]
    app = reach(Status.ACCEPTED, citizen, single_version, officials)
    task = open_task(app, "review")
    supplement = services.request_supplement(
        actor=approver, application=app, task=task, reasons="照片不清晰", materials=["photo"]
    )
    app.refresh_from_db()
    assert app.status == Status.SUPPLEMENT and app.paused_on
    assert Task.objects.get(pk=task.pk).status == Task.Status.SUPPLEMENT
    with pytest.raises(ValidationError):  # the photo asked for is not there yet
        services.answer_supplement(actor=citizen, application=app)
    services.add_material(actor=citizen, application=app, material_code="photo", file=pdf())
    app = services.answer_supplement(actor=citizen, application=app, answer="已补交")
    supplement.refresh_from_db()
    assert app.status == Status.ACCEPTED and app.paused_on is None and supplement.answered_at
    assert Task.objects.get(pk=task.pk).status == Task.Status.CLAIMED
    app = decide(approver, app, "review")
    assert app.status == Status.IN_REVIEW


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW, Status.SUPPLEMENT]
)
def test_withdraw_before_the_decision(status, citizen, single_version, officials):
    app = reach(status, citizen, single_version, officials)
    app = services.withdraw_application(actor=citizen, application=app, reason="不办了")
    assert app.status == Status.WITHDRAWN
    instance = ProcessInstance.objects.filter(subject_id=str(app.pk)).first()
    if instance:
        assert instance.status == ProcessInstance.Status.CANCELLED
        assert not instance.tasks.active().exists()


LEGAL = {
    "edit": {Status.DRAFT},
    "add_material": {Status.DRAFT, Status.SUPPLEMENT},
    "submit": {Status.DRAFT},
    "decide": {Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW},
    "request_supplement": {Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW},
    "answer_supplement": {Status.SUPPLEMENT},
    "withdraw": {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_REVIEW,
        Status.SUPPLEMENT,
    },
    "deliver": {Status.APPROVED, Status.REJECTED},
    "close": {Status.DELIVERED, Status.REFUSED},
}


def attempt(action, app, citizen, approver):
    task = 0
    calls = {
        "edit": lambda: services.save_draft(actor=citizen, application=app, form_data=ANSWERS),
        "add_material": lambda: services.add_material(
            actor=citizen, application=app, material_code="photo", file=pdf()
        ),
        "submit": lambda: services.submit_application(
            actor=citizen, application=app, idempotency_key=uuid.uuid4().hex
        ),
        "decide": lambda: services.decide_task(
            actor=approver,
            application=app,
            task=task,
            outcome="approve",
            reasons="x",
            legal_basis="y",
        ),
        "request_supplement": lambda: services.request_supplement(
            actor=approver, application=app, task=task, reasons="x"
        ),
        "answer_supplement": lambda: services.answer_supplement(actor=citizen, application=app),
        "withdraw": lambda: services.withdraw_application(actor=citizen, application=app),
        "deliver": lambda: services.deliver_result(actor=approver, application=app),
        "close": lambda: services.close_application(actor=approver, application=app),
    }
    return calls[action]()


@pytest.mark.parametrize("status", list(Status))
def test_illegal_transitions_are_refused(status, citizen, single_version, officials):
    app = reach(status, citizen, single_version, officials)
    before = (app.status, Event.objects.count(), app.uploads.count())
    refused = [action for action, sources in LEGAL.items() if status not in sources]
    assert refused or status == Status.DRAFT
    for action in refused:
        with pytest.raises(IllegalTransition) as caught:
            attempt(action, app, citizen, officials["wjw.approver"])
        assert caught.value.code == "illegal_transition"
        app.refresh_from_db()
        assert (app.status, Event.objects.count(), app.uploads.count()) == before, action


def test_a_decision_needs_reasons_and_a_legal_basis(citizen, single_version, officials):
    approver = officials["wjw.approver"]
    app = submit(citizen, single_version)
    with pytest.raises(ValidationError) as caught:
        decide(approver, app, "accept", "refuse", reasons="  ")
    assert "reasons" in caught.value.message_dict
    app = decide(approver, app, "accept", "accept", reasons="")  # accepting needs none
    app = decide(approver, app, "review", "approve", reasons="")
    events = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        decide(approver, app, "decide", "approve", legal_basis="")
    assert "legal_basis" in caught.value.message_dict
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW and Event.objects.count() == events
    assert open_task(app, "decide").status == Task.Status.OPEN


def test_an_unknown_outcome_is_refused(citizen, single_version, officials):
    from tongban.workflow.xml import InvalidModel

    app = submit(citizen, single_version)
    with pytest.raises(InvalidModel):
        decide(officials["wjw.approver"], app, "accept", "approved")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_resubmission_after_the_decision_is_refused(citizen, single_version, officials):
    app = reach(Status.APPROVED, citizen, single_version, officials)
    with pytest.raises(IllegalTransition):
        services.answer_supplement(actor=citizen, application=app)
    with pytest.raises(IllegalTransition):
        services.add_material(actor=citizen, application=app, material_code="photo", file=pdf())


def test_another_citizen_cannot_act_on_it(citizen, other_citizen, single_version, officials):
    app = submit(citizen, single_version)
    for call in (
        lambda: services.withdraw_application(actor=other_citizen, application=app),
        lambda: services.add_material(
            actor=other_citizen, application=app, material_code="photo", file=pdf()
        ),
    ):
        with pytest.raises(NotPermitted):
            call()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.uploads.count() == 1


def test_wrong_department_cannot_decide(citizen, single_version, officials):
    app = submit(citizen, single_version)
    for who in ("mzj.approver", "gaj.approver", "wjw.clerk"):
        with pytest.raises(NotPermitted):
            decide(officials[who], app, "accept", "accept")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    with pytest.raises(NotPermitted):  # a citizen is not an official
        decide(citizen, app, "accept", "accept")


def test_incomplete_submissions_are_refused(citizen, single_version):
    app = services.save_draft(actor=citizen, version=single_version, form_data={"x": 1})
    with pytest.raises(ValidationError) as caught:
        services.submit_application(actor=citizen, application=app, idempotency_key="k")
    problems = caught.value.message_dict
    assert "child_name" in problems and "x" in problems and "materials.birth_record" in problems
    app.refresh_from_db()
    assert app.status == Status.DRAFT and not app.number


def test_a_withdrawn_version_cannot_be_applied_for(citizen, single_version):
    from tongban.core.api import Conflict

    app = draft(citizen, single_version)
    single_version.status = "withdrawn"
    single_version.save()
    with pytest.raises(Conflict):
        services.submit_application(actor=citizen, application=app, idempotency_key="k")
    with pytest.raises(Conflict):
        services.save_draft(actor=citizen, version=single_version, form_data={})
