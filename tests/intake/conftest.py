"""Fixtures for the intake: the demo city's accounts (people and officials of every
department), a two-department matter on the parallel process and a single-department one,
and helpers that walk an application through its steps."""

import itertools
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog.models import Material, Matter, MatterVersion
from tongban.core.models import Department
from tongban.identity.models import Account, Official, OfficialRole, Person, Role

_serial = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "child_name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 20,
            "title": "新生儿姓名",
            "x-labels": {"zh-Hans": "新生儿姓名", "en": "Baby's name"},
            "x-widget": "text",
            "x-order": 1,
        },
        "child_gender": {
            "type": "string",
            "enum": ["男", "女"],
            "title": "性别",
            "x-labels": {"zh-Hans": "性别", "en": "Sex"},
            "x-widget": "radio",
            "x-order": 2,
        },
        "note": {
            "type": "string",
            "maxLength": 200,
            "title": "备注",
            "x-labels": {"zh-Hans": "备注", "en": "Note"},
            "x-widget": "textarea",
            "x-order": 3,
        },
    },
    "required": ["child_name", "child_gender"],
}
ANSWERS = {"child_name": "张小宝", "child_gender": "男"}


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def departments(demo_accounts):
    return {d.short_name: d for d in Department.objects.all()}


@pytest.fixture
def health(departments):
    return departments["卫生健康委员会"]


@pytest.fixture
def police(departments):
    return departments["公安局"]


def official(login: str) -> Account:
    return Account.objects.select_related("official__department").get(login=login)


@pytest.fixture
def officials(demo_accounts):
    """Demo officials: wjw.* of 卫生健康委员会 (the lead), gaj.* of 公安局 (co-reviewer),
    mzj.* of 民政局 (uninvolved)."""
    return {
        login: official(login)
        for login in (
            "wjw.approver",
            "wjw.head",
            "wjw.clerk",
            "gaj.approver",
            "gaj.clerk",
            "mzj.approver",
            "mzj.clerk",
        )
    }


def person_account(key: str) -> Account:
    from tongban.demo import people

    demo = next(p for p in people.PEOPLE if p.key == key)
    person = Person.objects.get(id_number_index=Person.index_for(demo.id_number))
    return Account.objects.select_related("person").get(pk=person.account_id)


@pytest.fixture
def citizen(demo_accounts):
    return person_account("zhangwei")


@pytest.fixture
def other_citizen(demo_accounts):
    return person_account("wangxiuying")


def make_version(
    department, *, process="single_department", involved=(), limit=5, licence_type="", name=None
) -> MatterVersion:
    matter = Matter.objects.create(
        implementation_code=f"TEST-{next(_serial)}-{uuid.uuid4().hex[:6]}", department=department
    )
    version = MatterVersion.objects.create(
        matter=matter,
        number=1,
        status=MatterVersion.Status.PUBLISHED,
        name=name or f"测试事项{next(_serial)}",
        matter_type="confirmation",
        legal_basis="《示范省测试条例》第一条",
        for_persons=True,
        committed_time_limit=limit,
        legal_time_limit=limit * 2,
        process_key=process,
        result_licence_type=licence_type,
        form_schema=FORM,
    )
    version.involved_departments.set(involved)
    Material.objects.create(
        version=version,
        code="birth_record",
        name="出生登记表",
        kind="original",
        necessity="required",
        source="applicant",
    )
    Material.objects.create(
        version=version,
        code="photo",
        name="照片",
        kind="electronic",
        necessity="optional",
        source="applicant",
    )
    return version


@pytest.fixture
def parallel_version(health, police):
    return make_version(health, process="parallel_review", involved=[police])


@pytest.fixture
def single_version(health):
    return make_version(health)


def pdf(name="record.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def submitted(citizen, single_version):
    """A submitted single-department application of 张伟."""
    return submit(citizen, single_version)


def draft(account, version, answers=None, **kwargs):
    from tongban.intake import services

    application = services.save_draft(
        actor=account, version=version, form_data=answers or dict(ANSWERS), **kwargs
    )
    services.add_material(
        actor=account, application=application, material_code="birth_record", file=pdf()
    )
    return application


def submit(account, version, answers=None, key=None):
    from tongban.intake import services

    application = draft(account, version, answers)
    return services.submit_application(
        actor=account, application=application, idempotency_key=key or uuid.uuid4().hex
    ).application


def open_task(application, element=None, department=None):
    from tongban.intake.selectors import tasks_of
    from tongban.workflow.models import Task

    for task in tasks_of(application):
        if (
            task.status in (Task.Status.OPEN, Task.Status.CLAIMED)
            and (element is None or task.element_id == element)
            and (department is None or task.department_id == department.pk)
        ):
            return task
    raise AssertionError(
        f"no open task {element} in {[(t.element_id, t.status) for t in tasks_of(application)]}"
    )


def decide(account, application, element, outcome="approve", **kwargs):
    from tongban.intake import services

    kwargs.setdefault("reasons", "材料齐全，符合法定形式。")
    kwargs.setdefault("legal_basis", "《示范省测试条例》第一条")
    department = kwargs.pop("department", None)
    return services.decide_task(
        actor=account,
        application=application,
        task=open_task(application, element, department),
        outcome=outcome,
        **kwargs,
    )


def make_official(department, *roles) -> Account:
    account = Account.objects.create_user(
        f"official-x{next(_serial)}", None, kind=Account.Kind.OFFICIAL, display_name="工作人员"
    )
    o = Official.objects.create(account=account, department=department)
    for role in roles:
        OfficialRole.objects.create(official=o, role=role)
    return Account.objects.select_related("official").get(pk=account.pk)


__all__ = ["Role"]
