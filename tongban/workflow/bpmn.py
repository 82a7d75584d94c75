"""BPMN process models: what Tongban accepts, how it checks an upload, how it builds specs.

An upload is refused unless every element is in `SUPPORTED` (anything else is named in the
error, with what to use instead where there is an alternative), every expression compiles in
the restricted language, and every user task says who works on it:

    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="role" value="approver" />
          <spiffworkflow:property name="department" value="lead_department" />
          <spiffworkflow:property name="outcomes" value="approve reject" />
          <spiffworkflow:property name="fields" value="opinion" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>

`role` is an official role (`tongban.identity.models.Role`), `department` an expression over
the process data giving a department id, `outcomes` the decisions an official may take (stored
as `<task id>_outcome`), `fields` the other data the official may write."""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

from tongban.identity.models import Role
from tongban.workflow.expressions import ExpressionError, compile_expression, compile_script
from tongban.workflow.xml import InvalidModel, Problem, local_name, namespace, parse_untrusted_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DIAGRAM_NAMESPACES = {
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
}

SUPPORTED = frozenset(
    {
        "definitions",
        "process",
        "documentation",
        "extensionElements",
        "laneSet",
        "lane",
        "flowNodeRef",
        "startEvent",
        "endEvent",
        "terminateEventDefinition",
        "userTask",
        "task",
        "scriptTask",
        "script",
        "subProcess",
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "sequenceFlow",
        "conditionExpression",
        "incoming",
        "outgoing",
        "intermediateCatchEvent",
        "boundaryEvent",
        "timerEventDefinition",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "multiInstanceLoopCharacteristics",
        "loopCardinality",
        "loopDataInputRef",
        "loopDataOutputRef",
        "inputDataItem",
        "outputDataItem",
        "completionCondition",
        "textAnnotation",
        "text",
        "association",
    }
)
# What an operator is told instead of a bare "unsupported" (anything else unknown is named too).
ALTERNATIVES = {
    "serviceTask": "external systems are called by the application layer, not by the model",
    "sendTask": "notifications are sent by the application layer",
    "receiveTask": "use a user task or a timer",
    "businessRuleTask": "decisions are evaluated through tongban.workflow.decisions",
    "callActivity": "one process per file; use an embedded subProcess",
    "manualTask": "use a userTask",
    "transaction": "not supported",
    "adHocSubProcess": "not supported",
    "eventBasedGateway": "use an exclusive gateway on process data",
    "complexGateway": "use exclusive, inclusive or parallel gateways",
    "intermediateThrowEvent": "not supported",
    "messageEventDefinition": "messages are not supported; use timers or user tasks",
    "signalEventDefinition": "signals are not supported",
    "errorEventDefinition": "errors are not supported",
    "escalationEventDefinition": "escalate with a timer and a user task for the department head",
    "conditionalEventDefinition": "use an exclusive gateway",
    "compensateEventDefinition": "not supported",
    "cancelEventDefinition": "not supported",
    "linkEventDefinition": "not supported",
    "standardLoopCharacteristics": "use a multi-instance task or a gateway loop",
    "dataObject": "keep data in the process data",
    "dataObjectReference": "keep data in the process data",
    "dataStore": "not supported",
    "dataStoreReference": "not supported",
    "ioSpecification": "not supported",
    "collaboration": "upload one process per file",
}
SPIFF_EXTENSIONS = frozenset(
    {"properties", "property", "preScript", "postScript", "instructionsForEndUser"}
)
ASSIGNMENT_PROPERTIES = frozenset({"role", "department", "outcomes", "fields"})
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class ParsedProcess:
    """A checked model: the executable process's id and name, and every user task's id."""

    process_id: str
    name: str
    user_tasks: tuple[str, ...]


def max_model_bytes() -> int:
    return settings.TONGBAN_WORKFLOW_MAX_MODEL_BYTES


def _where(element: etree._Element) -> str:
    """`userTask 'review'` — the element an operator should look at."""
    for candidate in element.iterancestors():
        if candidate.get("id") and element.get("id") is None:
            return f"{local_name(element)} (in {local_name(candidate)} '{candidate.get('id')}')"
    identifier = element.get("id")
    return f"{local_name(element)} '{identifier}'" if identifier else local_name(element)


def _check_expression(problems: list[Problem], element, text: str | None, *, script=False):
    if text is None or not text.strip():
        problems.append(Problem(_where(element), _("the expression is empty")))
        return
    try:
        compile_script(text) if script else compile_expression(text.strip())
    except SyntaxError as error:
        problems.append(
            Problem(_where(element), _("syntax error: %(error)s") % {"error": error.msg})
        )
    except ExpressionError as error:
        problems.append(
            Problem(
                _where(element),
                _("%(error)s (in %(source)s)") % {"error": error, "source": text.strip()[:120]},
            )
        )


def _check_element(problems: list[Problem], element: etree._Element) -> None:
    ns, name = namespace(element), local_name(element)
    if ns in DIAGRAM_NAMESPACES:
        return
    if ns == SPIFF_NS:
        if name not in SPIFF_EXTENSIONS:
            problems.append(
                Problem(_where(element), _("unsupported extension spiffworkflow:%s") % name)
            )
        elif name in ("preScript", "postScript"):
            _check_expression(problems, element.getparent().getparent(), element.text, script=True)
        return
    if ns != BPMN_NS:
        # Other tools' extensions inside extensionElements carry no meaning for this engine.
        if (
            element.getparent() is not None
            and local_name(element.getparent()) == "extensionElements"
        ):
            problems.append(
                Problem(
                    _where(element.getparent().getparent()),
                    _("unsupported extension %(tag)s") % {"tag": element.tag},
                )
            )
        return
    if name not in SUPPORTED:
        hint = ALTERNATIVES.get(name, _("not supported"))
        problems.append(
            Problem(
                _where(element),
                _("unsupported element bpmn:%(name)s — %(hint)s") % {"name": name, "hint": hint},
            )
        )
        return
    parent = element.getparent()
    if name == "timerEventDefinition" and local_name(parent) not in (
        "intermediateCatchEvent",
        "boundaryEvent",
    ):
        problems.append(
            Problem(
                _where(parent),
                _("timers are supported on intermediate catch events and boundary events only"),
            )
        )
    if name in (
        "conditionExpression",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "loopCardinality",
        "completionCondition",
    ):
        _check_expression(problems, parent, element.text)
    if name == "script":
        _check_expression(problems, parent, element.text, script=True)
    if name == "userTask":
        _check_assignment(problems, element)


def _properties(element: etree._Element) -> dict[str, str]:
    nodes = element.findall(
        f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property"
    )
    return {node.get("name", ""): node.get("value", "") for node in nodes}


def _check_assignment(problems: list[Problem], task: etree._Element) -> None:
    where = _where(task)
    properties = _properties(task)
    role = properties.get("role")
    if role not in ROLES:
        problems.append(
            Problem(
                where,
                _("a user task needs a role property, one of: %(roles)s")
                % {"roles": ", ".join(sorted(ROLES))},
            )
        )
    if not properties.get("department"):
        problems.append(
            Problem(where, _("a user task needs a department property (an expression)"))
        )
    else:
        _check_expression(problems, task, properties["department"])
    outcomes = properties.get("outcomes", "").split()
    if not outcomes:
        problems.append(Problem(where, _("a user task needs an outcomes property")))
    for word in outcomes + properties.get("fields", "").split():
        if not IDENTIFIER.match(word):
            problems.append(
                Problem(where, _("%(word)s is not a valid outcome or field name") % {"word": word})
            )


def _spiff_parser(root: etree._Element) -> SpiffBpmnParser:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename="upload.bpmn")
    return parser


def check_process(content: bytes) -> ParsedProcess:
    """Check an uploaded BPMN file completely; raise `InvalidModel` with every problem found."""
    root = parse_untrusted_xml(content, max_bytes=max_model_bytes())
    if namespace(root) != BPMN_NS or local_name(root) != "definitions":
        raise InvalidModel([Problem("", _("This is not a BPMN 2.0 file (bpmn:definitions)."))])
    problems: list[Problem] = []
    for element in root.iter(etree.Element):
        _check_element(problems, element)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    if len(processes) != 1:
        problems.append(Problem("", _("A file must hold exactly one process.")))
    if problems:
        raise InvalidModel(problems)
    process = processes[0]
    try:
        parser = _spiff_parser(root)
        parser.get_spec(process.get("id"))
    except ValidationException as error:
        where = f"{error.tag} '{error.id}'".strip(" '") if getattr(error, "tag", "") else ""
        raise InvalidModel([Problem(where, str(error).splitlines()[0])]) from None
    except SpiffWorkflowException as error:
        raise InvalidModel([Problem("", str(error).splitlines()[0])]) from None
    user_tasks = tuple(t.get("id") for t in process.iter(f"{{{BPMN_NS}}}userTask"))
    return ParsedProcess(
        process_id=process.get("id"),
        name=process.get("name") or process.get("id"),
        user_tasks=user_tasks,
    )


@functools.lru_cache(maxsize=64)
def build_spec(content: bytes, process_id: str):
    """The SpiffWorkflow spec of a stored (already checked) model, parsed once per process."""
    root = parse_untrusted_xml(content, max_bytes=max_model_bytes())
    parser = _spiff_parser(root)
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
