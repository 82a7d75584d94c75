"""The explanation pages (applicant, official, stranger) and the operators' pages."""

import pytest
from django.urls import reverse

from tongban.core.models import Department
from tongban.identity.models import Account, Official, OfficialRole, Role
from tongban.instant import services
from tongban.instant.models import InstantDecision, SimulationRun


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def citizen(person, username):
    account = Account.objects.create_user(username, "pw-not-used-1234", kind="citizen")
    person.account = account
    person.save(update_fields=["account"])
    return Account.objects.get(pk=account.pk)


def official(short_name, role=Role.APPROVER):
    account = Account.objects.create_user(
        f"official-{short_name}-{role}", "pw-not-used-1234", kind="official", display_name="审批"
    )
    found = Official.objects.create(
        account=account, department=Department.objects.get(short_name=short_name)
    )
    OfficialRole.objects.create(official=found, role=role)
    return Account.objects.select_related("official").get(pk=account.pk)


@pytest.fixture
def evaluation(instant_demo, person, version):
    return services.decide(
        version=version("老年人优待证办理"),
        applicant=person("wangxiuying"),
        answers={},
        case_reference="20261127000001",
    )


def test_the_applicant_reads_why_in_plain_language(client, login, evaluation):
    login(client, citizen(evaluation.applicant, "wang"))
    page = client.get(reverse("instant:evaluation", args=[evaluation.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "您已年满60周岁，且为本市户籍，符合办理条件。",  # the reason
        "年满60周岁的本市户籍老年人",  # the rule that fired
        "年龄（由公民身份号码计算）",  # the data used ...
        "67",
        "户籍人口",  # ... and where it came from
        "示范市公安局",
        "20261127000001",
    ):
        assert expected in text
    assert reverse("exchange:data_usage") in text
    assert evaluation.inputs_hash not in text  # hashes are for officials and auditors
    assert "522624195903082" not in text  # the ID number never shows


def test_the_explanation_follows_the_language(client, login, evaluation):
    login(client, citizen(evaluation.applicant, "wang"))
    page = client.get(
        reverse("instant:evaluation", args=[evaluation.public_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("instant:evaluation", args=[evaluation.public_id]))
    text = page.content.decode()
    assert "You are 60 or older" in text
    assert "Age (from the ID number)" in text


def test_the_official_sees_the_access_log_lines_and_hashes(client, login, evaluation):
    login(client, official("民政局"))
    text = client.get(reverse("instant:evaluation", args=[evaluation.public_id])).content.decode()
    assert evaluation.inputs_hash in text
    access = next(i["access_id"] for i in evaluation.inputs if i.get("access_id"))
    assert f"#{access}" in text


@pytest.mark.parametrize("who", ["stranger", "other_department", "anonymous"])
def test_others_do_not_see_the_evaluation(client, login, evaluation, person, who):
    if who == "stranger":
        login(client, citizen(person("zhangwei"), "zhang"))
    elif who == "other_department":
        login(client, official("税务局"))
    page = client.get(reverse("instant:evaluation", args=[evaluation.public_id]))
    assert page.status_code in (302, 404)
    if who != "anonymous":
        assert page.status_code == 404


def test_a_refused_applicant_asks_for_review_on_the_page(
    client, login, instant_demo, person, version
):
    refused = services.decide(
        version=version("住房公积金提取（租房）"),
        applicant=person("zhengqiang"),
        answers={},
        case_reference="R-1",
    )
    login(client, citizen(refused.applicant, "zheng"))
    url = reverse("instant:evaluation", args=[refused.public_id])
    assert "本人名下在本市有不动产登记" in client.get(url).content.decode()
    client.post(reverse("instant:request_review", args=[refused.public_id]))
    refused.refresh_from_db()
    assert refused.review_requested_at is not None


def test_operators_attach_simulate_and_activate(client, login, instant_demo, version):
    from tongban.demo.instant import FOLDER

    operator = official("政务服务和数据管理局", Role.OPERATOR)
    login(client, operator)
    target = version("老年人优待证办理")
    upload = (
        (FOLDER / "senior_card.dmn")
        .read_bytes()
        .replace(b">= 60", b">= 65")
        .replace(b"&lt; 60", b"&lt; 65")
        .replace(b"&gt;= 60", b"&gt;= 65")
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        reverse("instant:decisions"),
        {"version": target.pk, "dmn": SimpleUploadedFile("senior.dmn", upload)},
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    draft = InstantDecision.objects.get(version=target, status="draft")
    page = client.post(reverse("instant:simulate", args=[draft.public_id]), {"sample_size": 20})
    assert page.status_code == 200
    run = SimulationRun.objects.get()
    assert sum(run.report["outcomes"].values()) == run.report["total"] > 0
    assert "规则 1" in page.content.decode() or "Rule 1" in page.content.decode()
    client.post(reverse("instant:activate", args=[draft.public_id]))
    draft.refresh_from_db()
    assert draft.status == "active"
    assert InstantDecision.objects.filter(version=target, status="retired").count() == 1


def test_a_bad_file_is_refused_on_the_page_with_rule_and_column(
    client, login, instant_demo, version
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.demo.instant import FOLDER

    login(client, official("政务服务和数据管理局", Role.OPERATOR))
    bad = (
        (FOLDER / "senior_card.dmn").read_bytes().replace(b"<text>True</text>", b"<text>60</text>")
    )
    page = client.post(
        reverse("instant:decisions"),
        {"version": version("老年人优待证办理").pk, "dmn": SimpleUploadedFile("bad.dmn", bad)},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "规则 1" in text or "rule 1" in text
    assert InstantDecision.objects.filter(status="draft").count() == 0


def test_only_operators_manage_decisions(client, login, instant_demo):
    login(client, official("民政局"))
    assert client.get(reverse("instant:decisions")).status_code == 403
