"""Once only (数据多跑路): a material the government holds in a registry is fetched through the
exchange gateway (purpose + case reference, one access-log line the applicant sees) and shown
as provided by government; with no record, it is asked for as usual."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.conftest import force_sign_in
from tests.intake.conftest import draft, make_version, pdf
from tongban.catalog.models import Material
from tongban.core.permissions import NotPermitted
from tongban.exchange import gateway
from tongban.exchange import services as exchange
from tongban.exchange.models import AccessLog
from tongban.intake import prefill, services
from tongban.intake.models import Provided

ACTOR = "system:test"

BIRTHS = {
    "type": "object",
    "required": ["mother_id_number", "certificate_number"],
    "properties": {
        "mother_id_number": {"type": "string", "title": "母亲身份号码"},
        "certificate_number": {"type": "string", "title": "出生医学证明编号"},
        "child_name": {"type": "string", "title": "新生儿姓名", "x-sensitive": True},
        "birth_place": {"type": "string", "title": "出生地点"},
    },
}


@pytest.fixture
def births(health, citizen):
    """卫生健康委员会's registry of births, holding a record for 张伟 only, and the department's
    system client (its own registry: no grant needed)."""
    gateway.forget_registries()
    registry = exchange.create_registry(
        actor=ACTOR,
        department=health,
        code="test_births",
        name="出生医学证明（测试）",
        subject_kind="id_number",
        subject_field="mother_id_number",
        schema=BIRTHS,
    )
    exchange.create_record(
        actor=ACTOR,
        registry=registry,
        content={
            "mother_id_number": citizen.person.id_number,
            "certificate_number": "Q5226001",
            "child_name": "张若溪",
            "birth_place": "示范市妇幼保健院",
        },
    )
    exchange.register_system_client(
        actor=ACTOR, department=health, name="births", mediator_id="CN/GOV/TEST/births"
    )
    yield registry
    gateway.forget_registries()


@pytest.fixture
def version(health, births):
    version = make_version(health, name="出生登记（测试）")
    Material.objects.create(
        version=version,
        code="birth_medical",
        name="出生医学证明",
        kind="electronic",
        necessity="required",
        source="registry",
        source_department=health,
        registry_code="test_births",
        registry_field="certificate_number, child_name",
    )
    return version


def test_a_held_material_is_fetched_shown_and_not_asked_for(client, citizen, version):
    force_sign_in(client, citizen)
    response = client.post(f"/apply/{version.pk}/", {"f_note": "无"})
    assert response.status_code == 302
    application = citizen.person.applications.get()
    provided = application.provided.get()
    assert (provided.material_code, provided.result) == ("birth_medical", Provided.Result.FOUND)
    assert provided.values == {"certificate_number": "Q5226001", "child_name": "张若溪"}
    # Only the named fields were read, for this matter and this draft, by 卫生健康委员会.
    line = AccessLog.objects.get(pk=provided.access_log_id)
    assert (line.result, line.channel) == (AccessLog.ALLOWED, "internal")
    assert (line.purpose, line.case_reference) == ("出生登记（测试）", f"draft-{application.pk}")
    assert line.fields_returned == ["certificate_number", "child_name"]
    assert line.department_id == version.matter.department_id
    # The empty form field of the same name is filled in; the applicant's own answer stays.
    assert application.form_data == {"child_name": "张若溪", "note": "无"}
    # The applicant sees what was fetched and from where, and is not asked to upload it.
    page = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert "政府部门调取（免提交）" in page and "出生医学证明（测试）" in page
    assert "示范市卫生健康委员会" in page and "Q5226001" in page
    assert f"draft-{application.pk}" in page
    assert "birth_medical" not in services.material_codes(application)
    # ... and finds the read on their data-usage page, under the same reference.
    usage = client.get("/me/data-usage/").content.decode()
    assert f"draft-{application.pk}" in usage and "出生登记（测试）" in usage
    # A second visit reads nothing again.
    client.get(f"/applications/{application.pk}/edit/")
    assert AccessLog.objects.filter(case_reference=f"draft-{application.pk}").count() == 1
    # Submitted without an upload for it.
    services.add_material(
        actor=citizen,
        application=application,
        material_code="birth_record",
        file=pdf(),
    )
    application.form_data = {**application.form_data, "child_gender": "女"}
    application.save()
    submitted = services.submit_application(
        actor=citizen, application=application, idempotency_key="k-1"
    ).application
    assert submitted.status == "submitted"


def test_no_record_asks_for_the_material_as_usual(client, other_citizen, version):
    force_sign_in(client, other_citizen)
    client.post(f"/apply/{version.pk}/", {"f_note": ""})
    application = other_citizen.person.applications.get()
    provided = application.provided.get()
    assert provided.result == Provided.Result.NOT_FOUND and provided.values == {}
    line = AccessLog.objects.get(pk=provided.access_log_id)
    assert (line.result, line.case_reference) == (AccessLog.NOT_FOUND, f"draft-{application.pk}")
    assert "birth_medical" in services.material_codes(application)
    page = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert "数据库中没有您的记录" in page
    application.form_data = {"child_name": "王小", "child_gender": "男"}
    application.save()
    services.add_material(
        actor=other_citizen,
        application=application,
        material_code="birth_record",
        file=pdf(),
    )
    with pytest.raises(ValidationError) as missing:
        services.submit_application(
            actor=other_citizen, application=application, idempotency_key="k-2"
        )
    assert "materials.birth_medical" in missing.value.message_dict


def test_no_system_or_grant_means_the_department_checks_it(citizen, version, police):
    """The registry is another department's and the handling one holds no grant: nothing is
    read (no refusal logged on the citizen's page), the material is not asked for."""
    version.matter.department = police
    version.matter.save()
    application = draft(citizen, version)
    before = AccessLog.objects.count()
    (row,) = prefill.prefill(actor=citizen, application=application)
    assert row.result == Provided.Result.UNAVAILABLE and row.access_log_id is None
    assert AccessLog.objects.count() == before
    assert "birth_medical" not in services.material_codes(application)


def test_prefill_refuses_to_run_inside_a_transaction_and_others_cannot(
    citizen, other_citizen, version
):
    application = services.save_draft(actor=citizen, version=version, form_data={})
    with pytest.raises(NotPermitted):
        prefill.prefill(actor=other_citizen, application=application)
    with pytest.raises(RuntimeError), transaction.atomic():
        prefill.prefill(actor=citizen, application=application)
    assert not application.provided.exists()


def test_a_submitted_application_is_not_prefilled_again(citizen, version):
    application = draft(citizen, version, answers={"child_name": "张", "child_gender": "男"})
    prefill.prefill(actor=citizen, application=application)
    services.submit_application(actor=citizen, application=application, idempotency_key="k-3")
    application.refresh_from_db()
    assert prefill.pending(application) == []


def test_the_api_draft_is_prefilled_too(client, citizen, version):
    force_sign_in(client, citizen)
    answer = client.post(
        "/api/v1/applications/",
        {"version_id": version.pk, "form": {}},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    (provided,) = answer.json()["provided"]
    assert provided == {
        "material": "birth_medical",
        "result": "found",
        "source": "出生医学证明（测试）",
        "source_department": "示范市卫生健康委员会",
    }
    assert answer.json()["form"] == {"child_name": "张若溪"}


def test_a_registry_fault_keeps_the_draft_and_retries_later(client, citizen, version, monkeypatch):
    def broken(**kwargs):
        raise OSError("registry down")

    monkeypatch.setattr(gateway, "fetch_for_case", broken)
    force_sign_in(client, citizen)
    assert client.post(f"/apply/{version.pk}/", {"f_note": ""}).status_code == 302
    application = citizen.person.applications.get()
    assert not application.provided.exists()
    monkeypatch.undo()
    client.get(f"/applications/{application.pk}/edit/")
    assert application.provided.get().result == Provided.Result.FOUND
