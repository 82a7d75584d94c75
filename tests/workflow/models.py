"""Small BPMN and DMN documents for the tests, built from fragments."""

from xml.sax.saxutils import escape

BPMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="https://tongban.example/tests">'
)


def user_task(
    task_id: str,
    *,
    incoming: str,
    outgoing: str,
    department="lead_department",
    role="approver",
    outcomes="done",
    fields="",
    extra="",
) -> str:
    field_property = f'<spiffworkflow:property name="fields" value="{fields}" />' if fields else ""
    return (
        f'<bpmn:userTask id="{task_id}" name="{task_id}"><bpmn:extensionElements>'
        "<spiffworkflow:properties>"
        f'<spiffworkflow:property name="role" value="{role}" />'
        f'<spiffworkflow:property name="department" value="{department}" />'
        f'<spiffworkflow:property name="outcomes" value="{outcomes}" />{field_property}'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        f"<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>"
        f"{extra}</bpmn:userTask>"
    )


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    body = (
        f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>"
        if condition
        else ""
    )
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f"{body}</bpmn:sequenceFlow>"
    )


def process(body: str, *, process_id: str = "test_process", head: str = BPMN_HEAD) -> bytes:
    return (
        f'{head}<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>'
        "</bpmn:definitions>"
    ).encode()


def one_task_process(**task_options) -> bytes:
    """start -> work (a user task) -> end."""
    return process(
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        + flow("f1", "start", "work")
        + user_task("work", incoming="f1", outgoing="f2", **task_options)
        + flow("f2", "work", "end")
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
    )


def timer_process(timer: str, *, interrupting: bool = True) -> bytes:
    """`work` has a boundary timer leading to `escalated` (a department head's task)."""
    cancel = "true" if interrupting else "false"
    return process(
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        + flow("f1", "start", "work")
        + user_task("work", incoming="f1", outgoing="f2")
        + flow("f2", "work", "end")
        + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
        + f'<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="{cancel}">'
        "<bpmn:outgoing>f3</bpmn:outgoing><bpmn:timerEventDefinition>"
        f"<bpmn:timeDuration>{timer}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        + flow("f3", "late", "escalated")
        + user_task("escalated", incoming="f3", outgoing="f4", role="department_head")
        + flow("f4", "escalated", "end2")
        + '<bpmn:endEvent id="end2"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>'
    )


DMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" '
    'name="tests" namespace="https://tongban.example/tests">'
)


def decision(
    rules: list[tuple[list[str], list[str]]],
    *,
    inputs=(("age", "integer"), ("resident", "boolean")),
    outputs=(("outcome", "string"), ("reason", "string")),
    hit_policy="UNIQUE",
) -> bytes:
    """A decision table `senior_card`; each rule is (input cells, output cells)."""
    parts = [
        f'{DMN_HEAD}<decision id="senior_card" name="Senior card">'
        f'<decisionTable id="table" hitPolicy="{hit_policy}">'
    ]
    for index, (expression, type_ref) in enumerate(inputs):
        parts.append(
            f'<input id="in{index}" label="{expression}"><inputExpression id="ie{index}" '
            f'typeRef="{type_ref}"><text>{expression}</text></inputExpression></input>'
        )
    for index, (name, type_ref) in enumerate(outputs):
        parts.append(
            f'<output id="out{index}" label="{name}" name="{name}" typeRef="{type_ref}" />'
        )
    for row, (cells, results) in enumerate(rules):
        parts.append(f'<rule id="r{row}"><description>rule {row + 1}</description>')
        parts += [
            f'<inputEntry id="r{row}i{i}"><text>{escape(c)}</text></inputEntry>'
            for i, c in enumerate(cells)
        ]
        parts += [
            f'<outputEntry id="r{row}o{i}"><text>{escape(c)}</text></outputEntry>'
            for i, c in enumerate(results)
        ]
        parts.append("</rule>")
    parts.append("</decisionTable></decision></definitions>")
    return "".join(parts).encode()
