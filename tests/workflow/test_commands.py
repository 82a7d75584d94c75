"""`tongban workflow` and the admin upload, as operators use them."""

import pytest
from django.urls import reverse

from tongban.identity.models import Account
from tongban.workflow.models import ProcessDefinition

from .models import decision, one_task_process
from .test_decisions import SENIOR_CARD
from .test_upload import XXE


@pytest.fixture
def operator_login(operator):
    return operator.login


def test_upload_list_and_refusal_from_the_command_line(
    tongban_command, child_env, operator_login, tmp_path, django_db_blocker
):
    good, bad, table = tmp_path / "good.bpmn", tmp_path / "bad.bpmn", tmp_path / "t.dmn"
    good.write_bytes(one_task_process())
    bad.write_bytes(XXE)
    table.write_bytes(decision(SENIOR_CARD))
    result = tongban_command(
        "workflow", "upload", str(good), "--key", "cli", "--operator", operator_login, env=child_env
    )
    assert result.returncode == 0, result.stderr
    assert "stored cli version 1" in result.stdout
    result = tongban_command(
        "workflow", "upload", str(bad), "--key", "cli", "--operator", operator_login, env=child_env
    )
    assert result.returncode == 1 and "DOCTYPE" in result.stderr
    result = tongban_command(
        "workflow",
        "upload-decision",
        str(table),
        "--key",
        "senior_card",
        "--inputs",
        "age=integer,resident=boolean",
        "--operator",
        operator_login,
        env=child_env,
    )
    assert result.returncode == 0, result.stderr
    listing = tongban_command("workflow", "list", env=child_env).stdout
    assert "cli" in listing and "senior_card" in listing and "parallel_review" in listing
    with django_db_blocker.unblock():
        assert ProcessDefinition.objects.filter(key="cli").count() == 1


@pytest.mark.django_db
def test_the_admin_upload_checks_the_file(client, operator, login):
    operator_account = Account.objects.get(pk=operator.pk)
    operator_account.is_staff = operator_account.is_superuser = True
    operator_account.save()
    login(client, operator_account)
    url = reverse("admin:workflow_processdefinition_add")
    response = client.post(url, {"key": "admin_upload", "file": _file("x.bpmn", XXE)})
    assert response.status_code == 200 and "DOCTYPE" in response.content.decode()
    assert not ProcessDefinition.objects.filter(key="admin_upload").exists()
    response = client.post(
        url, {"key": "admin_upload", "file": _file("x.bpmn", one_task_process())}
    )
    assert response.status_code == 302
    assert ProcessDefinition.objects.get(key="admin_upload").version == 1


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/xml")
