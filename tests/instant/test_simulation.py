"""Operators simulate a decision over a sample of registry subjects before publishing it."""

import pytest

from tongban.core.models import Event
from tongban.exchange.models import AccessLog
from tongban.instant import services
from tongban.instant.models import InstantDecision


def attached(version, name):
    return InstantDecision.objects.get(version=version(name), status="active")


def test_the_senior_card_over_the_whole_population(instant_demo, version):
    run = services.simulate(
        attached=attached(version, "老年人优待证办理"), actor="system:test", sample_size=500
    )
    report = run.report
    assert report["total"] == 14  # every record of the population registry
    assert report["outcomes"] == {"approve": 2, "refer": 12, "reject": 0}  # 王秀英, 赵国强
    rules = {rule["row"]: rule["count"] for rule in report["rules"]}
    assert rules == {1: 2, 2: 0, 3: 12}  # under 60: referred (the matter never refuses)
    assert Event.objects.filter(kind="instant.simulated").count() == 1
    # every read was logged for its subject, under the simulation's case
    lines = AccessLog.objects.filter(case_reference__startswith="SIM-")
    assert lines.count() == 14
    assert all(line.purpose.endswith("老年人优待证办理") for line in lines)


def test_missing_data_and_refusals_are_counted(instant_demo, version):
    run = services.simulate(
        attached=attached(version, "住房公积金提取（租房）"),
        actor="system:test",
        sample_size=500,
        registry_code="population",
    )
    report = run.report
    assert report["total"] == 14
    assert report["outcomes"]["approve"] >= 3  # 张伟, 李娜, 马晓红
    assert report["outcomes"]["reject"] >= 2  # 郑强, 黄军
    assert report["missing"].get("fund_months", 0) >= 1  # no housing-fund account
    assert sum(report["outcomes"].values()) == 14


def test_a_sample_is_bounded_and_drawn_from_people(instant_demo, version):
    run = services.simulate(
        attached=attached(version, "个人社保缴费证明打印"),
        actor="system:test",
        sample_size=3,
        seed=7,
    )
    assert run.report["total"] == 3
    with pytest.raises(services.ValidationError):
        services.simulate(
            attached=attached(version, "个人社保缴费证明打印"),
            actor="system:test",
            registry_code="market_entity",
        )


def test_only_operators_simulate(instant_demo, version):
    from tongban.core.permissions import NotPermitted
    from tongban.identity.models import Account

    citizen = Account.objects.create_user("citizen-y", "pw-not-used-1234", kind="citizen")
    with pytest.raises(NotPermitted):
        services.simulate(attached=attached(version, "异地就医备案"), actor=citizen)
