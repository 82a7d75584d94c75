"""并联审批 end to end with two departments, the licence issued on approval, and a life event
(一件事) with one child application per matter."""

import pytest
from django.core.exceptions import ValidationError

from tests.intake.conftest import ANSWERS, decide, make_version, open_task, pdf, submit
from tongban.core.permissions import NotPermitted
from tongban.intake import selectors, services
from tongban.intake.models import Application, Status
from tongban.workflow.models import ProcessInstance, Task


def test_two_departments_review_in_parallel(citizen, parallel_version, officials, health, police):
    lead, co = officials["wjw.approver"], officials["gaj.approver"]
    app = submit(citizen, parallel_version)
    app = decide(lead, app, "accept", "accept")
    open_now = {
        (t.element_id, t.department_id)
        for t in selectors.tasks_of(app)
        if t.status == Task.Status.OPEN
    }
    assert open_now == {("lead_review", health.pk), ("co_review", police.pk)}
    # Each department sees its own task in its queue, and only that.
    assert [r.task.element_id for r in selectors.my_queue(official=co.official)] == ["co_review"]
    assert "lead_review" in [r.task.element_id for r in selectors.my_queue(official=lead.official)]
    # The co-reviewer cannot act on the lead's task, nor on the lead's decision.
    with pytest.raises(NotPermitted):
        decide(co, app, "lead_review", "approve")
    services.claim_task(actor=co, application=app, task=open_task(app, "co_review"))
    app = decide(co, app, "co_review", "approve", department=police)
    assert app.status == Status.IN_REVIEW
    app = decide(lead, app, "lead_review", "approve")
    decide_task = open_task(app, "decide")
    assert decide_task.department_id == health.pk
    app = decide(lead, app, "decide", "approve")
    assert app.status == Status.APPROVED
    assert ProcessInstance.objects.get(subject_id=str(app.pk)).status == "completed"
    # The co-reviewing department may read the case it worked on; another may not.
    from tongban.core.permissions import allowed

    assert allowed(co, "intake.view_application", app)
    assert not allowed(officials["mzj.approver"], "intake.view_application", app)


def test_two_officials_cannot_both_complete_a_task(citizen, parallel_version, officials):
    from tongban.workflow.services import TaskConflict

    app = decide(officials["wjw.approver"], submit(citizen, parallel_version), "accept", "accept")
    task = open_task(app, "lead_review")
    second = __import__("tests.intake.conftest", fromlist=["make_official"]).make_official(
        app.department, "approver"
    )
    services.decide_task(
        actor=officials["wjw.approver"],
        application=app,
        task=task,
        outcome="approve",
        expected_version=task.version,
    )
    with pytest.raises(TaskConflict):
        services.decide_task(
            actor=second,
            application=app,
            task=task,
            outcome="approve",
            expected_version=task.version,
        )
    assert Task.objects.get(pk=task.pk).completed_by.account == officials["wjw.approver"]


@pytest.fixture
def licence_version(health, demo_accounts):
    from tongban.demo import licences
    from tongban.demo.seed import SeedReport
    from tongban.licences.models import LicenceType

    licences.seed(SeedReport())
    licence_type = LicenceType.objects.get(code="birth_medical_certificate")
    licence_type.field_schema = {
        "type": "object",
        "properties": {
            "child_name": {"type": "string", "title": "新生儿姓名"},
            "gender": {"type": "string", "title": "性别"},
        },
        "required": ["child_name", "gender"],
        "additionalProperties": False,
    }
    licence_type.save()
    return make_version(health, licence_type="birth_medical_certificate")


def approve_all(app, officials):
    approver = officials["wjw.approver"]
    app = decide(approver, app, "accept", "accept")
    app = decide(approver, app, "review")
    return decide(approver, app, "decide")


def test_approval_issues_the_licence_once(citizen, licence_version, officials):
    app = approve_all(submit(citizen, licence_version), officials)
    assert app.status == Status.APPROVED and app.licence is not None
    assert app.licence.source_case == app.number
    assert app.licence.holder_person_id == app.person_id
    assert app.licence.document["fields"] == {"child_name": "张小宝", "gender": "男"}


def test_no_approval_when_the_licence_cannot_be_issued(citizen, licence_version, officials):
    from tongban.licences.models import Licence

    app = submit(citizen, licence_version, answers={"child_name": "张小宝", "child_gender": "男"})
    Application.objects.filter(pk=app.pk).update(form_text="")  # answers lost: no fields
    app = Application.objects.get(pk=app.pk)
    approver = officials["wjw.approver"]
    app = decide(approver, app, "accept", "accept")
    app = decide(approver, app, "review")
    with pytest.raises(ValidationError) as caught:
        decide(approver, app, "decide")
    assert "licence" in caught.value.message_dict
    app.refresh_from_db()
    assert (
        app.status == Status.IN_REVIEW
        and not Licence.objects.filter(source_case=app.number).exists()
    )
    assert open_task(app, "decide").status == Task.Status.OPEN


@pytest.fixture
def life_event(health, police, citizen):
    from tongban.catalog.models import LifeEvent, LifeEventMatter

    first = make_version(health, name="出生医学证明签发（测试）")
    second = make_version(
        police, process="parallel_review", involved=[health], name="出生登记（测试）"
    )
    event = LifeEvent.objects.create(
        code="newborn-test", name="新生儿出生一件事", audience="person"
    )
    LifeEventMatter.objects.create(life_event=event, matter=first.matter, order=1)
    LifeEventMatter.objects.create(life_event=event, matter=second.matter, order=2)
    return event


def submit_life_event(citizen, life_event) -> Application:
    """One submission for the whole life event, its birth record handed in once."""
    parent = services.save_draft(actor=citizen, life_event=life_event, form_data=dict(ANSWERS))
    services.add_material(
        actor=citizen, application=parent, material_code="birth_record", file=pdf()
    )
    return services.submit_application(
        actor=citizen, application=parent, idempotency_key="event-1"
    ).application


def test_life_event_one_submission_parallel_children(
    citizen, life_event, officials, health, police
):
    parent = submit_life_event(citizen, life_event)
    children = list(parent.children.order_by("number"))
    assert [c.number for c in children] == [f"{parent.number}-1", f"{parent.number}-2"]
    assert {c.department_id for c in children} == {health.pk, police.pk}
    assert all(c.status == Status.SUBMITTED and c.form_data == ANSWERS for c in children)
    # Both departments have their acceptance task at the same time.
    assert open_task(children[0], "accept").department_id == health.pk
    assert open_task(children[1], "accept").department_id == police.pk
    # A child's case shows the materials handed in once for all.
    assert selectors.uploads_of(children[1]).count() == 1

    first, second = children
    approve_all(first, officials)
    parent.refresh_from_db()
    assert parent.status == Status.IN_REVIEW
    gaj, wjw = officials["gaj.approver"], officials["wjw.approver"]
    second = decide(gaj, second, "accept", "accept")
    second = decide(gaj, second, "lead_review")
    second = decide(wjw, second, "co_review", department=health)
    second = decide(gaj, second, "decide", "reject", reasons="户籍不在本市")
    parent.refresh_from_db()
    assert parent.status == Status.REJECTED  # one combined status
    assert [t.kind for t in selectors.timeline(parent)].count("approved") == 1


def test_the_api_lists_a_life_events_children_on_the_parent_only(citizen, life_event):
    from django.test import Client

    from tests.conftest import force_sign_in

    parent = submit_life_event(citizen, life_event)
    api = force_sign_in(Client(), citizen)
    children = sorted(parent.children.values_list("pk", flat=True))
    answer = api.get(f"/api/v1/applications/{parent.pk}")
    assert sorted(answer.json()["children"]) == children and len(children) == 2
    assert api.get(f"/api/v1/applications/{children[0]}").json()["children"] == []


def test_combined_status():
    S = Status
    assert services.combined_status([S.SUBMITTED, S.SUBMITTED]) == S.SUBMITTED
    assert services.combined_status([S.APPROVED, S.SUBMITTED]) == S.IN_REVIEW
    assert services.combined_status([S.APPROVED, S.DELIVERED]) == S.APPROVED
    assert services.combined_status([S.APPROVED, S.REFUSED]) == S.REJECTED
    assert services.combined_status([S.WITHDRAWN, S.WITHDRAWN]) == S.WITHDRAWN
