"""The demo's five instant matters decide their demo people as their stories say, through the
real DMN files, the exchange gateway and the restricted evaluator."""

import json

import pytest

from tongban.exchange.models import AccessLog
from tongban.instant import services
from tongban.instant.models import Evaluation

SENIOR = "老年人优待证办理"
GRADUATE = "高校毕业生接收（人才引进）"
MEDICAL = "异地就医备案"
RENT = "住房公积金提取（租房）"
PROOF = "个人社保缴费证明打印"

CASES = [
    # matter, person, outcome, cause, rule rows that fired
    (SENIOR, "wangxiuying", "approve", "rules", [1]),
    (SENIOR, "zhaoguoqiang", "approve", "rules", [1]),  # turned 60 in November 2026
    (SENIOR, "sunli", "refer", "rules", [3]),  # 58: the matter never refuses automatically
    (SENIOR, "liuna", "refer", "rules", [2]),  # 69, no household registration in the city
    (GRADUATE, "liuyang", "approve", "rules", [1]),
    (GRADUATE, "lina", "approve", "rules", [1]),
    (GRADUATE, "zhoumin", "refer", "missing_input", []),  # no degree record
    (GRADUATE, "songtao", "refer", "rules", [3]),  # criminal-record flag
    (MEDICAL, "zhangwei", "approve", "rules", [1]),
    (MEDICAL, "wujie", "refer", "rules", [2]),  # suspended; no automatic refusal here
    (RENT, "zhangwei", "approve", "rules", [1]),
    (RENT, "zhengqiang", "reject", "rules", [3]),  # owns a flat
    (RENT, "huangjun", "reject", "rules", [2]),  # 2 months of contributions
    (PROOF, "zhangwei", "approve", "rules", [1]),
    (PROOF, "wangxiuying", "approve", "rules", [1]),
    (PROOF, "chenjing", "refer", "missing_input", []),  # no contribution record
]


@pytest.mark.parametrize(("matter", "who", "outcome", "cause", "rows"), CASES)
def test_each_demo_rule_set_passes_and_fails_its_people(
    instant_demo, person, version, matter, who, outcome, cause, rows
):
    evaluation = services.decide(
        version=version(matter), applicant=person(who), answers={}, case_reference=f"T-{who}"
    )
    assert (evaluation.outcome, evaluation.cause) == (outcome, cause), evaluation.reason_en
    assert [rule["row"] for rule in evaluation.fired] == rows
    assert evaluation.reason_zh and evaluation.reason_en
    for item in evaluation.inputs:
        if item.get("registry"):
            line = AccessLog.objects.get(pk=item["access_id"])
            assert line.case_reference == f"T-{who}"
            assert line.purpose == matter


def test_a_refusal_is_automatic_only_where_the_matter_allows_it(instant_demo, person, version):
    young = services.decide(
        version=version(SENIOR), applicant=person("sunli"), answers={}, case_reference="A-1"
    )
    assert (young.rule_outcome, young.outcome) == ("reject", "refer")
    assert "never refused automatically" in young.reason_en
    assert not young.may_request_review
    owner = services.decide(
        version=version(RENT), applicant=person("zhengqiang"), answers={}, case_reference="A-2"
    )
    assert (owner.rule_outcome, owner.outcome) == ("reject", "reject")
    assert owner.may_request_review


def test_missing_data_names_the_input_in_both_languages(instant_demo, person, version):
    evaluation = services.decide(
        version=version(GRADUATE), applicant=person("zhoumin"), answers={}, case_reference="M-1"
    )
    assert "学位" in evaluation.reason_zh
    assert "Degree" in evaluation.reason_en
    degree = next(item for item in evaluation.inputs if item["name"] == "degree")
    assert degree["found"] is False
    assert AccessLog.objects.get(pk=degree["access_id"]).result == AccessLog.NOT_FOUND


def test_an_absent_record_counts_as_the_declared_default(instant_demo, person, version):
    """刘洋 is not registered in the city, so the population registry has no record of him:
    the table declares that as "no criminal record" (absent="false")."""
    evaluation = services.decide(
        version=version(GRADUATE), applicant=person("liuyang"), answers={}, case_reference="D-1"
    )
    record = next(item for item in evaluation.inputs if item["name"] == "criminal_record")
    assert record["found"] is False and record["absent_rule"] is True
    assert json.loads(evaluation.values)["values"]["criminal_record"] is False


def test_contribution_months_count_only_while_contributing(instant_demo, person, version):
    evaluation = services.decide(
        version=version(RENT), applicant=person("huangjun"), answers={}, case_reference="C-1"
    )
    values = json.loads(evaluation.values)["values"]
    assert values == {"fund_months": 2, "owns_property": False}
    months = next(item for item in evaluation.inputs if item["name"] == "fund_months")
    assert months["status"] == "正常缴存"


def test_a_version_without_an_active_decision_is_not_instant(instant_demo, person, version):
    with pytest.raises(services.NotInstant):
        services.decide(
            version=version("婚姻登记记录证明"),
            applicant=person("zhangwei"),
            answers={},
            case_reference="N-1",
        )
    assert not Evaluation.objects.exists()
