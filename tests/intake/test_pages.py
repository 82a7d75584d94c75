"""The HTML pages: applying with drafts and uploads, the receipt, following an application,
the workbench and the counter; and who may open what."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import force_sign_in
from tests.intake.conftest import PDF, decide, open_task, pdf, submit
from tongban.intake.models import Application, Status


def client_for(account):
    return force_sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), account)


def token(page: bytes) -> str:
    return re.search(rb'name="form_token" value="([^"]+)"', page).group(1).decode()


def test_apply_online_with_draft_upload_and_receipt(citizen, single_version):
    client = client_for(citizen)
    page = client.get(reverse("intake:start", args=[single_version.pk]))
    assert page.status_code == 200 and "Baby&#x27;s name" in page.content.decode()
    response = client.post(
        reverse("intake:start", args=[single_version.pk]),
        {"f_child_name": "张小宝", "status": "approved"},  # a tampered field is ignored
    )
    app = Application.objects.get(created_by=citizen)
    assert response.status_code == 302 and app.status == Status.DRAFT
    assert app.form_data == {"child_name": "张小宝"}
    edit_url = reverse("intake:edit", args=[app.pk])
    page = client.get(edit_url)
    form_token = token(page.content)
    # Submitting now: the missing answer and the missing material are named, nothing changes.
    page = client.post(
        edit_url, {"f_child_name": "张小宝", "form_token": form_token, "submit": "1"}
    )
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    response = client.post(
        reverse("intake:add_material", args=[app.pk]),
        {"material": "birth_record", "file": pdf("出生登记表.pdf")},
    )
    assert response.status_code == 302 and app.uploads.count() == 1
    response = client.post(
        reverse("intake:add_material", args=[app.pk]),
        {"material": "photo", "file": pdf("photo.png", b"<script>x</script>")},
    )
    assert app.uploads.count() == 1  # refused by content
    data = {
        "f_child_name": "张小宝",
        "f_child_gender": "男",
        "form_token": form_token,
        "submit": "1",
    }
    first = client.post(edit_url, data)
    app.refresh_from_db()
    assert first.status_code == 302 and app.status == Status.SUBMITTED
    assert first["Location"] == reverse("intake:receipt", args=[app.pk])
    second = client.post(edit_url, data)  # a double click: same receipt
    assert second["Location"] in (first["Location"], reverse("intake:detail", args=[app.pk]))
    assert Application.objects.filter(created_by=citizen).count() == 1
    receipt = client.get(first["Location"]).content.decode()
    assert app.number in receipt and "Not sealed yet" in receipt
    detail = client.get(reverse("intake:detail", args=[app.pk])).content.decode()
    assert "submitted" in detail and app.number in detail
    mine = client.get(reverse("intake:mine")).content.decode()
    assert app.number in mine


def test_files_are_served_only_as_attachments(citizen, other_citizen, submitted):
    upload = submitted.uploads.get()
    response = client_for(citizen).get(reverse("intake:download", args=[upload.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert (
        client_for(other_citizen).get(reverse("intake:download", args=[upload.pk])).status_code
        == 404
    )
    assert Client().get(reverse("intake:download", args=[upload.pk])).status_code == 302


def test_supplement_answered_on_the_page(citizen, submitted, officials):
    from tongban.intake import services

    services.request_supplement(
        actor=officials["wjw.approver"],
        application=submitted,
        task=open_task(submitted, "accept"),
        reasons="请补交清晰的出生登记表",
        materials=["birth_record"],
    )
    client = client_for(citizen)
    page = client.get(reverse("intake:detail", args=[submitted.pk])).content.decode()
    assert "请补交清晰的出生登记表" in page
    client.post(reverse("intake:answer_supplement", args=[submitted.pk]), {"answer": "好"})
    submitted.refresh_from_db()
    assert submitted.status == Status.SUPPLEMENT  # the asked material is not there yet
    client.post(
        reverse("intake:add_material", args=[submitted.pk]),
        {"material": "birth_record", "file": pdf()},
    )
    client.post(reverse("intake:answer_supplement", args=[submitted.pk]), {"answer": "已补交"})
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_workbench_claim_and_decide(citizen, parallel_version, officials):
    app = submit(citizen, parallel_version)
    lead = client_for(officials["wjw.approver"])
    page = lead.get(reverse("intake:workbench")).content.decode()
    assert app.number in page
    case = lead.get(reverse("intake:case", args=[app.pk])).content.decode()
    assert "张小宝" in case and "working days left" in case
    task = open_task(app, "accept")
    lead.post(
        reverse("intake:task_action", args=[app.pk, task.pk, "claim"]), {"version": task.version}
    )
    task.refresh_from_db()
    assert task.status == "claimed"
    # A stale form (old version) is refused, nothing changes.
    lead.post(
        reverse("intake:task_action", args=[app.pk, task.pk, "decide"]),
        {"version": task.version - 1, "outcome": "accept"},
    )
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    lead.post(
        reverse("intake:task_action", args=[app.pk, task.pk, "decide"]),
        {"version": task.version, "outcome": "accept"},
    )
    app.refresh_from_db()
    assert app.status == Status.ACCEPTED
    co = client_for(officials["gaj.approver"])
    assert app.number in co.get(reverse("intake:workbench")).content.decode()
    department = lead.get(reverse("intake:workbench") + "?view=department&status=accepted")
    assert app.number in department.content.decode()
    # The other department's official cannot decide the lead's task through the form.
    lead_review = open_task(app, "lead_review")
    co.post(
        reverse("intake:task_action", args=[app.pk, lead_review.pk, "decide"]),
        {"outcome": "approve"},
    )
    lead_review.refresh_from_db()
    assert lead_review.status == "open"


def test_counter_intake(officials, demo_accounts, single_version):
    from tongban.demo import people

    clerk = client_for(officials["mzj.clerk"])  # a clerk of any department
    page = clerk.post(
        reverse("intake:counter"),
        {"id_number": "110101199003070000", "version": single_version.pk, "identity_checked": "on"},
    )
    assert page.status_code == 200 and "usa-error-message" in page.content.decode()
    page = clerk.post(
        reverse("intake:counter"),
        {"id_number": people.PEOPLE[0].id_number, "version": single_version.pk},
    )
    assert "usa-error-message" in page.content.decode()  # identity not checked
    response = clerk.post(
        reverse("intake:counter"),
        {
            "id_number": people.PEOPLE[0].id_number,
            "version": single_version.pk,
            "identity_checked": "on",
        },
    )
    app = Application.objects.get(channel="counter")
    assert response["Location"] == reverse("intake:edit", args=[app.pk])
    clerk.post(
        reverse("intake:add_material", args=[app.pk]),
        {"material": "birth_record", "file": pdf("scan.pdf")},
    )
    edit = clerk.get(reverse("intake:edit", args=[app.pk]))
    response = clerk.post(
        reverse("intake:edit", args=[app.pk]),
        {
            "f_child_name": "张小宝",
            "f_child_gender": "男",
            "form_token": token(edit.content),
            "submit": "1",
        },
    )
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.registered_by.account == officials["mzj.clerk"]
    receipt = clerk.get(response["Location"]).content.decode()
    assert app.number in receipt and "At a counter" in receipt
    assert people.PEOPLE[0].id_number not in receipt  # masked
    # The applicant sees it among their applications: the same record as online.
    from tests.intake.conftest import person_account

    owner = client_for(person_account(people.PEOPLE[0].key))
    assert app.number in owner.get(reverse("intake:mine")).content.decode()
    # A citizen is not a counter clerk.
    assert owner.get(reverse("intake:counter")).status_code == 403


@pytest.mark.parametrize(
    "who, detail, case",
    [
        ("owner", 200, 403),
        ("other_citizen", 404, 403),
        ("wjw.approver", 200, 200),
        ("gaj.approver", 404, 404),
        ("mzj.clerk", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_who_may_open_an_application(
    who, detail, case, citizen, other_citizen, submitted, officials
):
    accounts = {"owner": citizen, "other_citizen": other_citizen, **officials}
    client = Client() if who == "anonymous" else client_for(accounts[who])
    assert client.get(reverse("intake:detail", args=[submitted.pk])).status_code == detail
    assert client.get(reverse("intake:case", args=[submitted.pk])).status_code == case
    if who not in ("owner", "anonymous"):
        client.post(reverse("intake:withdraw", args=[submitted.pk]))
        submitted.refresh_from_db()
        assert submitted.status == Status.SUBMITTED


def test_approved_result_on_the_applicant_page(citizen, single_version, officials):
    approver = officials["wjw.approver"]
    app = submit(citizen, single_version)
    for element, outcome in (("accept", "accept"), ("review", "approve"), ("decide", "approve")):
        app = decide(approver, app, element, outcome)
    page = client_for(citizen).get(reverse("intake:detail", args=[app.pk])).content.decode()
    assert "Decision" in page and "《示范省测试条例》第一条" in page


def test_pages_have_no_inline_scripts_or_styles(citizen, submitted, officials):
    pages = [
        (citizen, reverse("intake:start", args=[submitted.version_id])),
        (citizen, reverse("intake:detail", args=[submitted.pk])),
        (citizen, reverse("intake:receipt", args=[submitted.pk])),
        (citizen, reverse("intake:mine")),
        (officials["wjw.approver"], reverse("intake:workbench")),
        (officials["wjw.approver"], reverse("intake:case", args=[submitted.pk])),
        (officials["wjw.clerk"], reverse("intake:counter")),
    ]
    for account, url in pages:
        response = client_for(account).get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "<script>" not in html and "style=" not in html and "<style" not in html, url
        assert response["Cache-Control"] == "no-store" or "no-cache" in response["Cache-Control"]
        assert submitted.person.id_number not in html, url  # ID numbers masked


def test_counter_intake_can_record_the_in_person_check_as_l3(officials, single_version):
    from tongban.core.models import Event
    from tongban.demo import people
    from tongban.identity.models import Person

    walk_in = Person.objects.get(id_number_index=Person.index_for(people.PEOPLE[1].id_number))
    assert walk_in.assurance < Person.Assurance.L3
    clerk = client_for(officials["mzj.clerk"])
    assert "verified_document" in clerk.get(reverse("intake:counter")).content.decode()
    body = {
        "id_number": people.PEOPLE[1].id_number,
        "version": single_version.pk,
        "identity_checked": "on",
        "verified_document": "id_card",
    }
    response = clerk.post(reverse("intake:counter"), body)
    assert response.status_code == 302
    walk_in.refresh_from_db()
    assert (walk_in.assurance, walk_in.assurance_method) == (Person.Assurance.L3, "counter")
    assert Event.objects.filter(kind="identity.person.verified").count() == 1
    check = walk_in.verifications.get()
    assert (check.document, check.department) == (
        "id_card",
        officials["mzj.clerk"].official.department,
    )
    # Already at L3: a second visit starts the draft and records nothing more.
    assert clerk.post(reverse("intake:counter"), body).status_code == 302
    assert walk_in.verifications.count() == 1
    # Without the box, nothing about the person's assurance changes.
    other = Person.objects.get(id_number_index=Person.index_for(people.PEOPLE[2].id_number))
    level = other.assurance
    clerk.post(
        reverse("intake:counter"),
        {**body, "id_number": people.PEOPLE[2].id_number, "verified_document": ""},
    )
    other.refresh_from_db()
    assert other.assurance == level
