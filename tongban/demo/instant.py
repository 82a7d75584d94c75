"""The demo's five instant-approval matters (秒批) and their real decision tables.

The DMN files in `tongban/demo/decisions/` say the rules and where each input comes from;
this step attaches each to its published matter version and activates it. The demo
population (tongban.demo.people) has people who pass and fail each:

- 老年人优待证办理: 王秀英 (67, resident) is approved; 孙丽 (58) is referred (the matter is
  never refused automatically), 刘娜 (69, not a resident) is referred;
- 高校毕业生接收（人才引进）: 刘洋 is approved; 周敏 (no degree record) and 宋涛
  (criminal-record flag) are referred;
- 异地就医备案: 张伟 is approved; 吴杰 (medical insurance suspended) is referred;
- 住房公积金提取（租房）: 张伟 is approved; 郑强 (owns a flat) and 黄军 (2 months) are refused
  automatically, and may ask for human review;
- 个人社保缴费证明打印: 张伟 and 王秀英 are approved; 陈静 (no contribution record) is referred.

Idempotent: an unchanged file and setting change nothing."""

import hashlib
from pathlib import Path

from tongban.catalog.models import MatterVersion
from tongban.demo.city import ACTOR
from tongban.instant import services
from tongban.instant.models import InstantDecision

FOLDER = Path(__file__).parent / "decisions"

# matter name, DMN file, automatic refusal allowed
DECISIONS = [
    ("老年人优待证办理", "senior_card.dmn", False),
    ("高校毕业生接收（人才引进）", "graduate_acceptance.dmn", False),
    ("异地就医备案", "cross_region_medical.dmn", False),
    ("住房公积金提取（租房）", "housing_fund_rent.dmn", True),
    ("个人社保缴费证明打印", "contribution_proof.dmn", False),
]


def seed(report) -> None:
    for name, filename, allow_reject in DECISIONS:
        version = MatterVersion.objects.get(name=name, status=MatterVersion.Status.PUBLISHED)
        content = (FOLDER / filename).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        active = services.active_decision(version)
        if active and active.decision.sha256 == digest and active.allow_reject == allow_reject:
            report.count("instant decision", "unchanged")
            continue
        attached = services.attach_decision(
            version=version, content=content, actor=ACTOR, allow_reject=allow_reject
        )
        services.activate_decision(attached=attached, actor=ACTOR)
        report.count("instant decision", "created" if active is None else "updated")


def active_decisions():
    return InstantDecision.objects.filter(status=InstantDecision.Status.ACTIVE)
