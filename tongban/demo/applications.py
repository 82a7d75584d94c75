"""The demo city's applications (办件): one in every state of the lifecycle, a 新生儿出生一件事
whose children are in parallel review by several departments, and an overdue case escalated
to its department head.

Everything goes through the intake's services with the demo officials, so the cases have
real processes, tasks, events and messages. Idempotent: each case carries a submission key
`demo:<label>` (drafts are found by applicant and service) and is made only once."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tongban.catalog.formschema import answer_errors
from tongban.catalog.models import LifeEvent, MatterVersion
from tongban.demo import people
from tongban.demo.accounts import DEPARTMENT_LOGINS
from tongban.identity.models import Account, Person
from tongban.intake import services
from tongban.intake.models import Application, Status, SubmissionKey
from tongban.workflow.models import ProcessInstance, Task

# A one-page PDF standing in for a scanned material.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# state -> the applicant (demo person key)
STATES = [
    (Status.DRAFT, "liuyang"),
    (Status.SUBMITTED, "zhoumin"),
    (Status.ACCEPTED, "lina"),
    (Status.IN_REVIEW, "zhaoguoqiang"),
    (Status.SUPPLEMENT, "zhangwei"),
    (Status.APPROVED, "sunli"),
    (Status.REJECTED, "huangjun"),
    (Status.REFUSED, "wujie"),
    (Status.DELIVERED, "chenjing"),
    (Status.CLOSED, "zhengqiang"),
    (Status.WITHDRAWN, "lina"),
    ("overdue", "zhangwei"),
]


def account_of(key: str) -> Account:
    demo = next(p for p in people.PEOPLE if p.key == key)
    person = Person.objects.select_related("account").get(
        id_number_index=Person.index_for(demo.id_number)
    )
    return person.account


def official(department, role: str = "approver") -> Account:
    short = department.short_name
    return Account.objects.get(login=f"{DEPARTMENT_LOGINS[short]}.{role}")


def sample_answers(schema: dict, person: Person, demo) -> dict:
    """Answers that satisfy a demo form, taken from the applicant's own story."""
    answers = {}
    for name, field in (schema.get("properties") or {}).items():
        kind, fmt = field.get("type"), field.get("format")
        if "enum" in field:
            value = field["enum"][0]
        elif kind == "array":
            value = [(field.get("items") or {}).get("enum", ["是"])[0]]
        elif kind == "boolean":
            value = True
        elif kind in ("integer", "number"):
            value = max(1, field.get("minimum", 1))
        elif fmt == "cn-id-number":
            value = person.id_number
        elif fmt == "cn-mobile":
            value = demo.phone
        elif fmt == "cn-credit-code":
            value = "91440300MA5FXT4K7R"
        elif fmt == "date":
            value = "2026-11-02"
        elif fmt == "email":
            value = demo.email
        elif name.endswith("name"):
            value = person.real_name
        else:
            value = demo.address[: field.get("maxLength", 100)] or "示范市"
        answers[name] = value
    return answers


def _draft(account, *, version=None, life_event=None):
    person = account.person
    probe = Application(version=version, life_event=life_event)
    schema = services.form_schema_of(probe)
    answers = sample_answers(schema, person, _demo_for(person))
    if answer_errors(schema, answers):
        raise ValueError("no sample answers for this form")
    application = services.save_draft(
        actor=account, version=version, life_event=life_event, form_data=answers
    )
    for code, material in services.material_codes(application).items():
        if material.necessity == "required":
            services.add_material(
                actor=account,
                application=application,
                material_code=code,
                file=SimpleUploadedFile(f"{code}.pdf", SCAN, content_type="application/pdf"),
            )
    return application


def _demo_for(person):
    return next(p for p in people.PEOPLE if p.id_number == person.id_number)


def _task(application, element):
    instance = ProcessInstance.objects.get(
        subject_type="intake.application", subject_id=str(application.pk), status="running"
    )
    return instance.tasks.filter(element_id=element, status__in=Task.ACTIVE).first()


def _decide(application, element, outcome, reasons="材料齐全，符合法定条件。"):
    task = _task(application, element)
    return services.decide_task(
        actor=official(task.department),
        application=application,
        task=task,
        outcome=outcome,
        reasons=reasons,
        legal_basis=application.version.legal_basis or "《示范省政务服务条例》",
    )


def _walk(application, state):
    """Take a submitted single-department application to `state`."""
    if state == Status.WITHDRAWN:
        return services.withdraw_application(
            actor=application.created_by, application=application, reason="材料准备不全，稍后再办"
        )
    if state == Status.REFUSED:
        return _decide(application, "accept", "refuse", "申请事项不属于本机关职权范围。")
    if state == Status.SUPPLEMENT:
        task = _task(application, "accept")
        services.request_supplement(
            actor=official(task.department),
            application=application,
            task=task,
            reasons="身份证复印件不清晰，请重新上传清晰的扫描件。",
        )
        return application
    if state in (Status.SUBMITTED, "overdue"):
        return application
    application = _decide(application, "accept", "accept")
    if state == Status.ACCEPTED:
        return application
    application = _decide(application, "review", "approve")
    if state == Status.IN_REVIEW:
        return application
    rejected = state == Status.REJECTED
    application = _decide(
        application,
        "decide",
        "reject" if rejected else "approve",
        "不符合申请条件：申请人户籍不在本市。" if rejected else "符合法定条件，准予办理。",
    )
    if state in (Status.APPROVED, Status.REJECTED):
        return application
    approver = official(application.department)
    application = services.deliver_result(actor=approver, application=application)
    if state == Status.DELIVERED:
        return application
    return services.close_application(actor=approver, application=application)


def _overdue(application) -> None:
    """Backdate the case so its time limit has passed, then run the deadline job."""
    today = timezone.localdate()
    past = today - datetime.timedelta(days=14)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=21), due_on=past
    )
    ProcessInstance.objects.filter(
        subject_type="intake.application", subject_id=str(application.pk)
    ).update(due_on=past)
    services.watch_deadlines(today=today)


def candidates():
    """Published single-department services for people, without an e-licence result."""
    return list(
        MatterVersion.objects.filter(
            status=MatterVersion.Status.PUBLISHED,
            for_persons=True,
            process_key="single_department",
            result_licence_type="",
        )
        .select_related("matter__department")
        .order_by("matter__implementation_code")
    )


def seed(report) -> None:
    versions = candidates()
    used = 0
    for state, key in STATES:
        account = account_of(key)
        label = f"demo:{state}"
        if state == Status.DRAFT:
            if Application.objects.filter(created_by=account, status=Status.DRAFT).exists():
                report.count("application", "unchanged")
                continue
        elif SubmissionKey.objects.filter(account=account, key=label).exists():
            report.count("application", "unchanged")
            continue
        while used < len(versions):
            version = versions[used]
            used += 1
            try:
                with transaction.atomic():
                    application = _draft(account, version=version)
                    if state != Status.DRAFT:
                        application = services.submit_application(
                            actor=account, application=application, idempotency_key=label
                        ).application
                        application = _walk(application, state)
                    if state == "overdue":
                        _overdue(application)
            except Exception:  # noqa: S112  # nosec B112  # this form or process does not fit: try the next
                continue
            report.count("application", "created")
            break
    _newborn(report)


def _newborn(report) -> None:
    """张伟 applies once for 新生儿出生一件事; each department accepts its part, and the birth
    certificate and birth registration are reviewed by two departments at the same time."""
    account = account_of("zhangwei")
    label = "demo:newborn"
    if SubmissionKey.objects.filter(account=account, key=label).exists():
        report.count("life event application", "unchanged")
        return
    life_event = LifeEvent.objects.filter(code="newborn").first()
    if life_event is None:
        return
    with transaction.atomic():
        parent = _draft(account, life_event=life_event)
        parent = services.submit_application(
            actor=account, application=parent, idempotency_key=label
        ).application
        for child in parent.children.select_related("version__matter__department"):
            _decide(child, "accept", "accept")
    report.count("life event application", "created")
