"""A decision input from the applicant's e-licences is read like any registry: through the
exchange gateway (the licence type's registry `licence-<type>`), under the department's grant,
with an access-log line the applicant sees and the explanation names — never straight from
the licences' tables."""

import pytest

from tongban.demo.city import ACTOR
from tongban.exchange.models import AccessLog, Registry
from tongban.instant import inputs, services
from tongban.instant.models import Evaluation
from tongban.workflow.xml import InvalidModel

MATTER = "个人社保缴费证明打印"
REGISTRY = "licence-marriage_certificate"


def decision(licence_type: str = "marriage_certificate") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
             xmlns:tb="urn:tongban:instant:1"
             id="married_definitions" name="持证" namespace="urn:test">
  <decision id="married" name="持有结婚证">
    <extensionElements>
      <tb:input name="married" type="boolean" source="licence" licence-type="{licence_type}"
                label="结婚证" label-en="Marriage certificate" />
    </extensionElements>
    <decisionTable id="married_table" hitPolicy="UNIQUE">
      <input id="married_column" label="结婚证">
        <inputExpression id="married_expression" typeRef="boolean">
          <text>married</text>
        </inputExpression>
      </input>
      <output id="outcome_column" name="outcome" typeRef="string" />
      <output id="reason_zh_column" name="reason_zh" typeRef="string" />
      <output id="reason_en_column" name="reason_en" typeRef="string" />
      <rule id="holds">
        <inputEntry id="holds_in"><text>True</text></inputEntry>
        <outputEntry id="holds_outcome"><text>"approve"</text></outputEntry>
        <outputEntry id="holds_zh"><text>"持有有效结婚证。"</text></outputEntry>
        <outputEntry id="holds_en"><text>"A valid marriage certificate."</text></outputEntry>
      </rule>
      <rule id="lacks">
        <inputEntry id="lacks_in"><text>False</text></inputEntry>
        <outputEntry id="lacks_outcome"><text>"refer"</text></outputEntry>
        <outputEntry id="lacks_zh"><text>"未查到有效结婚证，由工作人员核实。"</text></outputEntry>
        <outputEntry id="lacks_en"><text>"None found: an official checks."</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>""".encode()


@pytest.fixture
def married_rule(instant_demo, version):
    attached = services.attach_decision(version=version(MATTER), content=decision(), actor=ACTOR)
    return services.activate_decision(attached=attached, actor=ACTOR)


def grant_licence_registry(grant_for, matter_version) -> None:
    """The department's system may read the marriage certificates' registry."""
    registry = Registry.objects.get(code=REGISTRY)
    grant_for(inputs.department_client(matter_version), registry, ["licence_identifier"])


def decide(version, person, who: str) -> Evaluation:
    return services.decide(
        version=version(MATTER), applicant=person(who), answers={}, case_reference=f"LIC-{who}"
    )


def licence_input(evaluation: Evaluation) -> dict:
    return next(item for item in evaluation.inputs if item["name"] == "married")


def test_a_held_licence_is_read_through_the_gateway_and_logged(
    married_rule, version, person, grant_for
):
    grant_licence_registry(grant_for, version(MATTER))
    evaluation = decide(version, person, "zhangwei")  # holds a marriage certificate
    assert evaluation.outcome == "approve", evaluation.reason_en
    item = licence_input(evaluation)
    assert item["registry"] == REGISTRY and item["found"] is True
    access = AccessLog.objects.select_related("registry").get(pk=item["access_id"])
    assert access.registry.code == REGISTRY
    assert access.case_reference == "LIC-zhangwei" and access.purpose == MATTER


def test_no_licence_is_false_and_refers_the_case(married_rule, version, person, grant_for):
    grant_licence_registry(grant_for, version(MATTER))
    evaluation = decide(version, person, "wangxiuying")  # no marriage certificate
    assert evaluation.outcome == "refer" and evaluation.cause == Evaluation.Cause.RULES
    item = licence_input(evaluation)
    assert item["found"] is False and item["access_id"]


def test_without_a_grant_the_read_is_refused_and_the_case_referred(married_rule, version, person):
    evaluation = decide(version, person, "zhangwei")
    assert evaluation.outcome == "refer" and evaluation.cause == Evaluation.Cause.REFUSED
    assert licence_input(evaluation)["refused"]


def test_an_unknown_licence_type_is_refused_at_upload(instant_demo, version):
    with pytest.raises(InvalidModel) as refused:
        services.attach_decision(
            version=version(MATTER), content=decision("no_such_type"), actor=ACTOR
        )
    assert "no_such_type" in str(refused.value.problems)
