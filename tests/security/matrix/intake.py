"""Intake (applications, counter, workbench cases, GovStack registration's application API).

Objects (world.py `_intake`): a 民政局 matter version; the applicant's draft (with a file) and
submitted case (its first task open for 民政局); another applicant's submitted case.

Who reads an application (`intake.view_application`): whoever acts for the party (the
applicant), every official of a handling department (so 民政局's data administrator too),
operators and auditors. Who acts on it as applicant: the applicant only. A case's task: an
official of the task's department holding its role (民政局's approver). Delivering the result:
the lead department's approvers."""

from tests.intake.conftest import ANSWERS, PDF
from tests.security.matrix import CITIZENS, NOBODY, OFFICIALS, SIGNED_IN, row

# Who reads the applicant's submitted case.
READERS = frozenset({"applicant", "official", "data_admin", "operator", "auditor"})
# Officials of the owning department, operators and auditors (the case page is officials').
CASE_READERS = READERS - {"applicant"}
NOT_OURS = "other_applicant's application: the applicant is refused"
OTHERS_READERS = CASE_READERS | {"other_applicant"}
STATE = "the applicant is allowed: the case is not in this state (a 409 or a message)"


def submitted(w):
    return {"pk": w.intake_submitted.pk}


def other(w):
    return {"pk": w.intake_other.pk}


def draft(w):
    return {"pk": w.intake_draft.pk}


def task(w, action="claim"):
    return {"pk": w.intake_submitted.pk, "task": w.intake_task.pk, "action": action}


def pdf(name="record.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def govstack_file(w):
    return {
        "applicantId": str(w.applicant.pk),
        "formData": {"data": dict(ANSWERS), "eFormId": str(w.intake_version.pk)},
        "documentUrls": [],
    }


A = "api/v1/applications/"
G = "govstack/registration/"
KEY = {"headers": {"Idempotency-Key": "matrix-key-1"}}

ROWS = [
    # -- applying (pages) --
    row(
        "apply/<int:version>/",
        "GET",
        SIGNED_IN,
        kwargs=lambda w: {"version": w.intake_version.pk},
        note="the form of a published version, to anyone signed in",
    ),
    row(
        "apply/<int:version>/",
        "POST",
        CITIZENS,
        kwargs=lambda w: {"version": w.intake_version.pk},
        data=lambda w: dict(ANSWERS),
        note="a draft for oneself; an official is no party (403)",
    ),
    row(
        "apply/life-event/<slug:code>/",
        "GET POST",
        SIGNED_IN,
        kwargs=lambda w: {"code": w.life_event},
        note="the combined form, to anyone signed in; an empty form is shown again (saving is "
        "the service's check, as on apply/<version>/)",
    ),
    row("applications/", "GET", SIGNED_IN, note="one's own; an official is sent to the workbench"),
    row("applications/<int:pk>/", "GET", READERS, kwargs=submitted),
    row("applications/<int:pk>/", "GET", OTHERS_READERS, kwargs=other, note=NOT_OURS),
    row(
        "applications/<int:pk>/edit/",
        "GET POST",
        {"applicant"},
        kwargs=draft,
        data=lambda w: dict(ANSWERS),
    ),
    row("applications/<int:pk>/materials/", "POST", {"applicant"}, kwargs=draft),
    row("applications/<int:pk>/receipt/", "GET", READERS, kwargs=submitted),
    row("applications/<int:pk>/receipt/", "GET", OTHERS_READERS, kwargs=other, note=NOT_OURS),
    row(
        "applications/<int:pk>/supplement/",
        "POST",
        {"applicant"},
        kwargs=submitted,
        data=lambda w: {"answer": "matrix"},
        note=STATE,
    ),
    row(
        "applications/<int:pk>/withdraw/",
        "POST",
        {"applicant"},
        kwargs=submitted,
        data=lambda w: {"reason": "matrix"},
    ),
    row(
        "applications/<int:pk>/withdraw/", "POST", {"other_applicant"}, kwargs=other, note=NOT_OURS
    ),
    # 人工复核 of an automatic refusal: whoever acts for the applicant (not an official).
    row("applications/<int:pk>/review/", "POST", {"applicant"}, kwargs=submitted, note=STATE),
    row("applications/<int:pk>/review/", "POST", {"other_applicant"}, kwargs=other, note=NOT_OURS),
    row(
        "applications/files/<int:pk>/",
        "GET",
        READERS,
        kwargs=lambda w: {"pk": w.intake_submitted_upload.pk},
    ),
    row(
        "applications/files/<int:pk>/remove/",
        "POST",
        {"applicant"},
        kwargs=lambda w: {"pk": w.intake_upload.pk},
    ),
    row("messages/", "GET", SIGNED_IN),
    # -- the workbench and the counter --
    row("workbench/cases/", "GET", OFFICIALS),
    row("workbench/cases/<int:pk>/", "GET", CASE_READERS, kwargs=submitted),
    row("workbench/cases/<int:pk>/", "GET", CASE_READERS, kwargs=other, note=NOT_OURS),
    row(
        "workbench/cases/<int:pk>/result/",
        "POST",
        {"official"},
        kwargs=submitted,
        note="the lead department's approver; " + STATE,
    ),
    row(
        "workbench/cases/<int:pk>/tasks/<int:task>/<slug:action>/",
        "POST",
        {"official"},
        kwargs=task,
        note="claiming: 民政局's approver holds the task's role",
    ),
    row(
        "counter/",
        "GET POST",
        {"official"},
        official="clerk",
        note="一窗受理: a counter clerk (official here is 民政局's 窗口人员)",
    ),
    row(
        "counter/",
        "GET POST",
        NOBODY,
        note="an approver, a data administrator, operators and auditors are no counter clerks",
    ),
    # -- the applications API --
    row(A, "GET", SIGNED_IN, note="one's own (an official: none)"),
    row(
        A,
        "POST",
        CITIZENS,
        json=True,
        data=lambda w: {"version_id": w.intake_version.pk, "form": dict(ANSWERS)},
        note="a draft for oneself; an official is no party (403)",
    ),
    row(A + "queue", "GET", OFFICIALS),
    row(A + "<pk>", "GET", READERS, kwargs=submitted),
    row(A + "<pk>", "GET", OTHERS_READERS, kwargs=other, note=NOT_OURS),
    row(
        A + "<pk>",
        "PUT",
        {"applicant"},
        kwargs=draft,
        json=True,
        data=lambda w: {"form": dict(ANSWERS)},
    ),
    row(
        A + "<pk>/materials",
        "POST",
        {"applicant"},
        kwargs=draft,
        data=lambda w: {"material": "photo", "file": pdf()},
        extra={"multipart": True},
    ),
    row(A + "<pk>/submit", "POST", {"applicant"}, kwargs=draft, json=True, extra=KEY),
    row(
        A + "<pk>/supplement",
        "POST",
        {"applicant"},
        kwargs=submitted,
        json=True,
        data=lambda w: {"answer": "matrix"},
        note=STATE,
    ),
    row(
        A + "<pk>/withdraw",
        "POST",
        {"applicant"},
        kwargs=submitted,
        json=True,
        data=lambda w: {"reason": "matrix"},
    ),
    row(A + "<pk>/withdraw", "POST", {"other_applicant"}, kwargs=other, json=True, note=NOT_OURS),
    row(A + "<pk>/tasks", "GET", READERS, kwargs=submitted),
    row(
        A + "<pk>/tasks/<task>/<action>",
        "POST",
        {"official"},
        kwargs=task,
        json=True,
        note="claiming: 民政局's approver holds the task's role",
    ),
    # -- GovStack registration: application files, documents, tasks --
    row(
        G + "applications", "GET", SIGNED_IN, note="one's own files; an official: the department's"
    ),
    row(
        G + "applications/<fileId>",
        "GET",
        READERS,
        kwargs=lambda w: {"fileId": w.intake_submitted.number},
    ),
    row(
        G + "applications/<fileId>",
        "PUT",
        {"applicant"},
        kwargs=lambda w: {"fileId": f"draft-{w.intake_draft.pk}"},
        json=True,
        data=govstack_file,
        note="a reader who is not the applicant names another applicantId: 403",
    ),
    row(
        G + "services/<serviceId>/applications",
        "POST",
        {"applicant"},
        kwargs=lambda w: {"serviceId": w.intake_version.matter.service_id},
        json=True,
        data=govstack_file,
        note="applicantId must be the signed-in account (the body names the applicant's)",
    ),
    row(
        G + "documents",
        "POST",
        SIGNED_IN,
        url="/" + G + "documents?additionalMetadata=photo",
        data=lambda w: {"file": pdf()},
        extra={"multipart": True},
        note="any signed-in account may stage a file (an official can never use it: see "
        "docs/security.md, gaps)",
    ),
    row(
        G + "documents/<token>",
        "GET",
        {"applicant"},
        kwargs=lambda w: {"token": w.intake_document.token},
        note="a staged document: only the account that staged it",
    ),
    row(G + "tasks", "GET", OFFICIALS, note="one's own queue"),
    row(
        G + "tasks/<taskId>",
        "GET",
        {"official", "data_admin", "operator", "auditor"},
        kwargs=lambda w: {"taskId": w.intake_task.pk},
        note="workflow.view_task: the task's department, operators and auditors",
    ),
    row(
        G + "tasks/<taskId>/complete",
        "POST",
        {"official"},
        kwargs=lambda w: {"taskId": w.intake_task.pk},
        json=True,
        data=lambda w: {"data": {"outcome": "approve", "reasons": "matrix", "legal_basis": "x"}},
    ),
]
