"""Uploading process models: every refusal names the reason and changes nothing."""

import pytest

from tongban.core.models import Event
from tongban.core.permissions import NotPermitted
from tongban.identity.models import Role
from tongban.workflow import services
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.xml import InvalidModel

from .models import BPMN_HEAD, flow, one_task_process, process, user_task

pytestmark = pytest.mark.django_db

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:documentation>&lol9;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""

START = '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
END = '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'


def refused(content: bytes, operator) -> str:
    before = (ProcessDefinition.objects.count(), Event.objects.count())
    with pytest.raises(InvalidModel) as caught:
        services.upload_process(key="uploaded", content=content, actor=operator)
    assert (ProcessDefinition.objects.count(), Event.objects.count()) == before
    return " | ".join(caught.value.messages)


def test_a_valid_model_is_stored_as_the_next_version(operator):
    first = services.upload_process(key="uploaded", content=one_task_process(), actor=operator)
    assert (first.version, first.process_id, first.user_tasks) == (1, "test_process", ["work"])
    again = services.upload_process(key="uploaded", content=one_task_process(), actor=operator)
    assert again.pk == first.pk
    second = services.upload_process(
        key="uploaded", content=one_task_process(outcomes="yes no"), actor=operator
    )
    assert second.version == 2
    assert (
        Event.objects.filter(kind="workflow.process_uploaded", payload__key="uploaded").count() == 2
    )


def test_only_operators_upload(make_official, civil):
    official = make_official(civil, Role.APPROVER, Role.DEPARTMENT_HEAD)
    with pytest.raises(NotPermitted):
        services.upload_process(key="uploaded", content=one_task_process(), actor=official)
    assert not ProcessDefinition.objects.filter(key="uploaded").exists()


def test_an_external_entity_file_is_refused(operator):
    assert "DOCTYPE" in refused(XXE, operator)


def test_entities_are_refused_by_the_parser_too(operator):
    """Past the byte check (UTF-16 hides the DOCTYPE from it), the parser still refuses: it
    never resolves entities, and a document with a DOCTYPE is not accepted."""
    xxe = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    message = refused(xxe.encode("utf-16"), operator)
    assert "DOCTYPE" in message
    laughs = BILLION_LAUGHS.decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'
    )
    message = refused(laughs.encode("utf-16"), operator)
    assert "DOCTYPE" in message or "amplification" in message


def test_a_billion_laughs_file_is_refused(operator):
    assert "DOCTYPE" in refused(BILLION_LAUGHS, operator)


def test_an_oversized_file_is_refused(operator, settings):
    settings.TONGBAN_WORKFLOW_MAX_MODEL_BYTES = 1000
    assert "limit is 1000 bytes" in refused(one_task_process(), operator)


def test_malformed_and_foreign_files_are_refused(operator):
    assert "well-formed" in refused(b"<bpmn:definitions", operator)
    assert "BPMN 2.0" in refused(b"<html><body>hi</body></html>", operator)


def test_unsupported_elements_are_named(operator):
    body = (
        START
        + flow("f1", "start", "call")
        + '<bpmn:serviceTask id="call"><bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>"
        + flow("f2", "call", "wait")
        + '<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f2</bpmn:incoming>'
        '<bpmn:messageEventDefinition id="m" /></bpmn:intermediateCatchEvent>'
    )
    message = refused(process(body), operator)
    assert "serviceTask 'call'" in message and "bpmn:serviceTask" in message
    assert "messageEventDefinition 'm'" in message and "bpmn:messageEventDefinition" in message


def test_expressions_outside_the_language_are_refused_at_upload(operator):
    body = (
        START
        + flow("f1", "start", "gate")
        + '<bpmn:exclusiveGateway id="gate"><bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>"
        + flow("f2", "gate", "end", "__import__('os').system('id')")
        + flow("f3", "gate", "end", "[x for x in range(10)]")
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming>'
        "<bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>"
    )
    message = refused(process(body), operator)
    assert "sequenceFlow 'f2'" in message and "only these functions" in message
    assert "sequenceFlow 'f3'" in message and "comprehension" in message


def test_a_script_that_is_not_assignments_is_refused(operator):
    body = (
        START
        + flow("f1", "start", "s")
        + '<bpmn:scriptTask id="s"><bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing>"
        "<bpmn:script>import os</bpmn:script></bpmn:scriptTask>" + flow("f2", "s", "end") + END
    )
    assert "scriptTask 's'" in refused(process(body), operator)


def test_user_tasks_must_say_who_works_on_them(operator):
    message = refused(one_task_process(role="janitor", department="", outcomes=""), operator)
    assert "role property" in message
    assert "department property" in message
    assert "outcomes property" in message
    assert "not a valid outcome" in refused(one_task_process(outcomes="Approve!"), operator)
    assert "attribute access" in refused(one_task_process(department="x.pk"), operator)


def test_timers_only_where_supported(operator):
    body = (
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing>'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:startEvent>"
        + flow("f1", "start", "work")
        + user_task("work", incoming="f1", outgoing="f2")
        + flow("f2", "work", "end")
        + END
    )
    assert "timers are supported on" in refused(process(body), operator)


def test_structural_errors_found_by_the_engine_are_reported(operator):
    body = START + flow("f1", "start", "nowhere")
    message = refused(process(body), operator)
    assert message


def test_a_file_with_two_processes_is_refused(operator):
    content = (
        f'{BPMN_HEAD}<bpmn:process id="a" isExecutable="true" />'
        '<bpmn:process id="b" isExecutable="true" /></bpmn:definitions>'
    ).encode()
    assert "exactly one process" in refused(content, operator)


def test_refusals_are_localized(operator):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "模型中不允许使用 DOCTYPE 声明和实体" in refused(XXE, operator)
        assert "不支持的元素 bpmn:serviceTask" in refused(
            process(
                START + flow("f1", "start", "call") + '<bpmn:serviceTask id="call">'
                "<bpmn:incoming>f1</bpmn:incoming></bpmn:serviceTask>"
            ),
            operator,
        )
