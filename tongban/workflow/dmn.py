"""DMN 1.3 decision tables (决策表): checked at upload, evaluated with SpiffWorkflow's DMN engine
through the restricted script engine, explained rule by rule, simulated over many rows.

Cells follow SpiffWorkflow's conventions, in the restricted language:

- `-` or empty: any value;
- an expression: the input must equal it (`"resident"`, `60`, `True`);
- a unary test starting with an operator: `>= 60`, `< 3`, `!= "none"`, `in ["a", "b"]`,
  `not in ["x"]`;
- `?` stands for the input value: `18 <= ? < 35`, `? >= 3 and ? <= 10`.

An upload is refused, with the rule (row) and column named, for: an input expression or cell
that reads an undeclared input, a literal of the wrong type for its column, anything outside
the restricted language, a hit policy other than UNIQUE or COLLECT, and, under UNIQUE, two
rules that can match the same inputs (or cannot be shown to exclude each other)."""

import ast
import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR

from tongban.workflow.bpmn import max_model_bytes
from tongban.workflow.expressions import (
    ExpressionError,
    UnknownVariable,
    compile_expression,
)
from tongban.workflow.script_engine import ENGINE
from tongban.workflow.xml import InvalidModel, Problem, local_name, namespace, parse_untrusted_xml

DMN_NAMESPACES = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/",  # DMN 1.3
    "http://www.omg.org/spec/DMN/20180521/MODEL/",  # DMN 1.2
}
DIAGRAM_NAMESPACE_PREFIXES = (
    "https://www.omg.org/spec/DMN/20191111/DMNDI",
    "http://www.omg.org/spec/DMN/20180521/D",
)
SUPPORTED = frozenset(
    {
        "definitions",
        "decision",
        "decisionTable",
        "input",
        "inputExpression",
        "output",
        "rule",
        "inputEntry",
        "outputEntry",
        "description",
        "text",
        "annotation",
        "annotationEntry",
        "extensionElements",
    }
)
HIT_POLICIES = frozenset({"UNIQUE", "COLLECT"})
KINDS = frozenset({"number", "integer", "string", "boolean", "date"})
TYPE_REFS = {
    "integer": "integer",
    "long": "integer",
    "int": "integer",
    "number": "number",
    "double": "number",
    "decimal": "number",
    "float": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
}
QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as SpiffWorkflow does
INPUT_VALUE = "dmninputexpr"


class MissingInput(Exception):
    """An input the decision needs is not in the data (the case goes to an official)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(name)


class DecisionFault(Exception):
    """The decision could not be evaluated on these inputs (wrong type, failed expression)."""


# Cell constraints, for the UNIQUE overlap check ------------------------------------------------


@dataclass(frozen=True)
class Interval:
    low: Any = None
    low_closed: bool = False
    high: Any = None
    high_closed: bool = False

    def contains(self, value) -> bool:
        try:
            if self.low is not None and (
                value < self.low or (value == self.low and not self.low_closed)
            ):
                return False
            return not (
                self.high is not None
                and (value > self.high or (value == self.high and not self.high_closed))
            )
        except TypeError:
            return False

    def meet(self, other: "Interval") -> "Interval":
        low, low_closed = self.low, self.low_closed
        if other.low is not None and (
            low is None or other.low > low or (other.low == low and not other.low_closed)
        ):
            low, low_closed = other.low, other.low_closed
        high, high_closed = self.high, self.high_closed
        if other.high is not None and (
            high is None or other.high < high or (other.high == high and not other.high_closed)
        ):
            high, high_closed = other.high, other.high_closed
        return Interval(low, low_closed, high, high_closed)

    def empty(self, integer: bool) -> bool:
        if self.low is None or self.high is None:
            return False
        low, high = self.low, self.high
        if integer and isinstance(low, int | float) and isinstance(high, int | float):
            first = math.floor(low) + 1 if not self.low_closed or low != math.floor(low) else low
            last = math.ceil(high) - 1 if not self.high_closed or high != math.ceil(high) else high
            return first > last
        return low > high or (low == high and not (self.low_closed and self.high_closed))


@dataclass(frozen=True)
class Values:
    items: frozenset
    negated: bool = False


ANY = "any"
UNKNOWN = "unknown"

_BOUNDS = {
    "Lt": lambda c: Interval(high=c),
    "LtE": lambda c: Interval(high=c, high_closed=True),
    "Gt": lambda c: Interval(low=c),
    "GtE": lambda c: Interval(low=c, low_closed=True),
}
_MIRROR = {"Lt": "Gt", "LtE": "GtE", "Gt": "Lt", "GtE": "LtE", "Eq": "Eq", "NotEq": "NotEq"}


def _constant(node) -> tuple[bool, Any]:
    if isinstance(node, ast.Constant):
        return True, node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    ):
        value = node.operand.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, -value
    if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
        return True, {"True": True, "False": False, "None": None}[node.id]
    return False, None


def _collection(node) -> frozenset | None:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        values = [_constant(element) for element in node.elts]
        if all(ok for ok, _value in values):
            return frozenset(value for _ok, value in values)
    return None


def _compare_constraint(op: str, constant: Any):
    if op == "Eq":
        return Values(frozenset([constant]))
    if op == "NotEq":
        return Values(frozenset([constant]), negated=True)
    return _BOUNDS[op](constant) if op in _BOUNDS else UNKNOWN


def _meet(a, b):
    if a == ANY:
        return b
    if b == ANY:
        return a
    if isinstance(a, Interval) and isinstance(b, Interval):
        return a.meet(b)
    return UNKNOWN


def _test_constraint(node, subject: str):
    """The constraint a boolean test puts on the variable `subject`, or UNKNOWN."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        result = ANY
        for value in node.values:
            result = _meet(result, _test_constraint(value, subject))
        return result
    if not isinstance(node, ast.Compare):
        return UNKNOWN
    operands = [node.left, *node.comparators]
    result = ANY
    for (left, right), op in zip(itertools.pairwise(operands), node.ops, strict=True):
        name = type(op).__name__
        left_is = isinstance(left, ast.Name) and left.id == subject
        right_is = isinstance(right, ast.Name) and right.id == subject
        if left_is and name in ("In", "NotIn"):
            items = _collection(right)
            if items is None:
                return UNKNOWN
            part = Values(items, negated=name == "NotIn")
        elif left_is or right_is:
            ok, constant = _constant(right if left_is else left)
            if not ok or name not in _MIRROR:
                return UNKNOWN
            part = _compare_constraint(name if left_is else _MIRROR[name], constant)
        else:
            return UNKNOWN
        result = _meet(result, part) if result != ANY else part
    return result


def _may_overlap(a, b, kind: str) -> bool | None:
    """True / False when decidable, None when the cells cannot be compared statically."""
    if a == ANY or b == ANY:
        return True
    if a == UNKNOWN or b == UNKNOWN:
        return None
    integer = kind == "integer"
    if isinstance(a, Values) and isinstance(b, Interval):
        a, b = b, a
    if isinstance(a, Interval) and isinstance(b, Interval):
        return not a.meet(b).empty(integer)
    if isinstance(a, Interval) and isinstance(b, Values):
        if not b.negated:
            return any(a.contains(value) for value in b.items)
        return not (a.low == a.high and a.low_closed and a.high_closed and a.low in b.items)
    if not a.negated and not b.negated:
        return bool(a.items & b.items)
    if a.negated and b.negated:
        return kind != "boolean" or len(a.items | b.items) < 2
    positive, negative = (a, b) if not a.negated else (b, a)
    return bool(positive.items - negative.items)


# The checked table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    expression: str
    kind: str  # one of KINDS, or "" (unchecked)


@dataclass(frozen=True)
class RuleInfo:
    row: int
    rule_id: str
    description: str


@dataclass
class CheckedDecision:
    decision_id: str
    name: str
    hit_policy: str
    inputs: list[Column]
    outputs: list[Column]
    rules: list[RuleInfo]
    engine: Any = field(repr=False)

    @property
    def input_names(self) -> set[str]:
        return {
            name for column in self.inputs for name in compile_expression(column.expression).names
        }


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _fits(value: Any, kind: str) -> bool:
    if value is None or not kind:
        return True
    actual = _kind_of(value)
    if kind == "number":
        return actual in ("integer", "number")
    if kind == "date":
        if not isinstance(value, str):
            return False
        try:
            compile_expression(f"date({json.dumps(value)})").evaluate({})
        except ExpressionError:
            return False
        return True
    return actual == kind


def _constraint_values(constraint) -> list:
    if isinstance(constraint, Interval):
        return [v for v in (constraint.low, constraint.high) if v is not None]
    if isinstance(constraint, Values):
        return list(constraint.items)
    return []


def _check_known(problems: list[Problem], where: str, unknown: set[str]) -> None:
    if unknown:
        names = ", ".join(sorted(unknown))
        problems.append(Problem(where, _("unknown input: %(names)s") % {"names": names}))


def _cell_constraint(problems, where: str, text: str, column: Column, declared: set[str]):
    """Compile a cell as SpiffWorkflow will combine it, and return its constraint."""
    if QUESTION_MARK.search(text):
        source = QUESTION_MARK.sub(INPUT_VALUE, text)
        subject, form = INPUT_VALUE, "test"
    else:
        try:
            compile_expression(text)
            source, subject, form = text, "", "value"
        except SyntaxError:
            source, subject, form = f"{INPUT_VALUE} {text}", INPUT_VALUE, "test"
        except ExpressionError as error:
            problems.append(Problem(where, str(error)))
            return UNKNOWN
    try:
        compiled = compile_expression(source)
    except SyntaxError:
        problems.append(Problem(where, _("not an expression or a test: %(text)s") % {"text": text}))
        return UNKNOWN
    except ExpressionError as error:
        problems.append(Problem(where, str(error)))
        return UNKNOWN
    _check_known(problems, where, compiled.names - declared - {INPUT_VALUE})
    tree = ast.parse(source.strip(), mode="eval").body
    if form == "value":
        ok, constant = _constant(tree)
        if ok:
            constraint = Values(frozenset([constant]))
        elif isinstance(tree, ast.Tuple | ast.List | ast.Set):
            problems.append(
                Problem(
                    where,
                    _("a list is never equal to one value; write in [...] instead: %(text)s")
                    % {"text": text},
                )
            )
            return UNKNOWN
        else:
            constraint = UNKNOWN
    else:
        constraint = _test_constraint(tree, subject)
    for value in _constraint_values(constraint):
        if not _fits(value, column.kind):
            problems.append(
                Problem(
                    where,
                    _("type mismatch: %(value)r is not a %(kind)s")
                    % {"value": value, "kind": column.kind},
                )
            )
    return constraint


def _column_kind(problems, where: str, type_ref: str | None) -> str:
    if not type_ref:
        return ""
    kind = TYPE_REFS.get(type_ref.strip().lower())
    if kind is None:
        problems.append(Problem(where, _("unsupported typeRef %(type)s") % {"type": type_ref}))
        return ""
    return kind


def _check_elements(problems, root) -> None:
    for element in root.iter(etree.Element):
        ns = namespace(element)
        if (
            ns.startswith(DIAGRAM_NAMESPACE_PREFIXES)
            or "DMNDI" in ns
            or ns.endswith("/DC/")
            or ns.endswith("/DI/")
        ):
            continue
        if ns in DMN_NAMESPACES and local_name(element) in SUPPORTED:
            continue
        if (
            ns not in DMN_NAMESPACES
            and element.getparent() is not None
            and local_name(element.getparent()) == "extensionElements"
        ):
            continue
        problems.append(
            Problem(
                f"{local_name(element)} '{element.get('id')}'"
                if element.get("id")
                else local_name(element),
                _("unsupported element %(name)s (only one decision with one decision table)")
                % {"name": local_name(element)},
            )
        )


def check_decision(content: bytes, *, inputs: Mapping[str, str]) -> CheckedDecision:
    """Check a DMN file against the declared `inputs` ({name: kind}); `InvalidModel` names
    every problem with its rule row and column."""
    bad_kinds = {
        name: kind
        for name, kind in inputs.items()
        if kind not in KINDS or not str(name).isidentifier()
    }
    if bad_kinds:
        raise InvalidModel(
            [
                Problem(
                    str(name),
                    _("declare inputs as one of: %(kinds)s") % {"kinds": ", ".join(sorted(KINDS))},
                )
                for name in bad_kinds
            ]
        )
    root = parse_untrusted_xml(content, max_bytes=max_model_bytes())
    if namespace(root) not in DMN_NAMESPACES or local_name(root) != "definitions":
        raise InvalidModel([Problem("", _("This is not a DMN 1.3 file (dmn:definitions)."))])
    problems: list[Problem] = []
    _check_elements(problems, root)
    decisions = [e for e in root if local_name(e) == "decision"]
    tables = [t for d in decisions for t in d if local_name(t) == "decisionTable"]
    if len(decisions) != 1 or len(tables) != 1:
        problems.append(
            Problem("", _("A file must hold exactly one decision with one decision table."))
        )
    if problems:
        raise InvalidModel(problems)
    hit_policy = (tables[0].get("hitPolicy") or "UNIQUE").upper()
    if hit_policy not in HIT_POLICIES:
        raise InvalidModel(
            [
                Problem(
                    "decisionTable",
                    _("hit policy %(policy)s is not supported; use UNIQUE or COLLECT")
                    % {"policy": hit_policy},
                )
            ]
        )
    if tables[0].get("aggregation"):
        raise InvalidModel([Problem("decisionTable", _("COLLECT aggregations are not supported"))])
    try:
        parser = BpmnDmnParser(validator=VALIDATOR)
        parser.add_dmn_xml(root, filename="upload.dmn")
        decision_id = decisions[0].get("id")
        dmn_engine = parser.get_engine(decision_id, root)
    except (ValidationException, SpiffWorkflowException, KeyError, IndexError) as error:
        raise InvalidModel(
            [Problem("", str(error).splitlines()[0] if str(error) else type(error).__name__)]
        ) from None
    table = dmn_engine.decision_table
    for rule in table.rules:
        for entry in rule.inputEntries:
            # SpiffWorkflow glues a unary test straight onto the input expression
            # (`degree` + `not in [...]`); a leading space keeps the two words apart.
            entry.lhs = [f" {text.strip()}" if text else text for text in entry.lhs]
    declared = set(inputs)
    columns = []
    for index, column in enumerate(table.inputs, start=1):
        where = _("input column %(n)d (%(label)s)") % {
            "n": index,
            "label": column.label or column.id,
        }
        kind = _column_kind(problems, where, column.typeRef)
        expression = (column.expression or "").strip()
        if not expression:
            problems.append(Problem(where, _("the input has no expression")))
            columns.append(Column(column.label, "", kind))
            continue
        try:
            compiled = compile_expression(expression)
        except (SyntaxError, ExpressionError) as error:
            problems.append(Problem(where, str(error)))
            columns.append(Column(column.label, expression, kind))
            continue
        _check_known(problems, where, compiled.names - declared)
        if expression in inputs:
            declared_kind = inputs[expression]
            numeric = {"integer", "number"}
            if kind and declared_kind != kind and not {kind, declared_kind} <= numeric:
                problems.append(
                    Problem(
                        where,
                        _(
                            "type mismatch: the input %(name)s is declared %(declared)s, the column says %(kind)s"  # noqa: E501
                        )
                        % {"name": expression, "declared": declared_kind, "kind": kind},
                    )
                )
            kind = kind or declared_kind
        columns.append(Column(column.label, expression, kind))
    outputs = []
    for index, column in enumerate(table.outputs, start=1):
        where = _("output column %(n)d (%(label)s)") % {
            "n": index,
            "label": column.name or column.label,
        }
        outputs.append(
            Column(column.name or column.label, "", _column_kind(problems, where, column.typeRef))
        )
    constraints: list[list] = []
    rules = []
    for rule in table.rules:
        row = []
        for index, entry in enumerate(rule.inputEntries):
            text = (entry.lhs[0] or "").strip() if entry.lhs else ""
            if not text or text == "-":
                row.append(ANY)
                continue
            where = _("rule %(row)d, input column %(n)d (%(label)s)") % {
                "row": rule.row_number,
                "n": index + 1,
                "label": columns[index].label,
            }
            row.append(_cell_constraint(problems, where, text, columns[index], declared))
        for index, entry in enumerate(rule.outputEntries):
            text = (entry.text or "").strip()
            if not text:
                continue
            where = _("rule %(row)d, output column %(n)d (%(label)s)") % {
                "row": rule.row_number,
                "n": index + 1,
                "label": outputs[index].label,
            }
            try:
                compiled = compile_expression(text)
            except (SyntaxError, ExpressionError) as error:
                problems.append(Problem(where, str(error)))
                continue
            _check_known(problems, where, compiled.names - declared)
            ok, constant = _constant(ast.parse(text, mode="eval").body)
            if ok and not _fits(constant, outputs[index].kind):
                problems.append(
                    Problem(
                        where,
                        _("type mismatch: %(value)r is not a %(kind)s")
                        % {"value": constant, "kind": outputs[index].kind},
                    )
                )
        constraints.append(row)
        rules.append(RuleInfo(rule.row_number, rule.id, (rule.description or "").strip()))
    if hit_policy == "UNIQUE" and not problems:
        problems.extend(_overlaps(rules, constraints, columns))
    if problems:
        raise InvalidModel(problems)
    return CheckedDecision(
        decision_id=decision_id,
        name=decisions[0].get("name") or decision_id,
        hit_policy=hit_policy,
        inputs=columns,
        outputs=outputs,
        rules=rules,
        engine=dmn_engine,
    )


def _overlaps(rules, constraints, columns) -> list[Problem]:
    problems = []
    for (i, a), (j, b) in itertools.combinations(enumerate(constraints), 2):
        undecided = []
        disjoint = False
        for index, (cell_a, cell_b) in enumerate(zip(a, b, strict=True)):
            verdict = _may_overlap(cell_a, cell_b, columns[index].kind)
            if verdict is False:
                disjoint = True
                break
            if verdict is None:
                undecided.append(columns[index].label)
        if disjoint:
            continue
        where = _("rules %(a)d and %(b)d") % {"a": rules[i].row, "b": rules[j].row}
        if undecided:
            problems.append(
                Problem(
                    where,
                    _(
                        "under UNIQUE, these rules cannot be shown to exclude each other (column %(columns)s)"  # noqa: E501
                    )
                    % {"columns": ", ".join(undecided)},
                )
            )
        else:
            problems.append(Problem(where, _("under UNIQUE, both rules match the same inputs")))
    return problems


@functools.lru_cache(maxsize=256)
def _load(content: bytes, inputs_json: str) -> CheckedDecision:
    return check_decision(content, inputs=json.loads(inputs_json))


def load_decision(definition) -> CheckedDecision:
    """The checked table of a stored `DecisionDefinition` (parsed once per process)."""
    return _load(definition.dmn.encode(), json.dumps(definition.inputs, sort_keys=True))


# Evaluation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiredRule:
    row: int
    rule_id: str
    description: str
    outputs: dict


@dataclass(frozen=True)
class Evaluation:
    """Which rules fired (in table order), their outputs, the merged result, and the inputs read."""

    fired: list[FiredRule]
    result: dict
    inputs: dict


def _context(inputs: Mapping[str, Any]):
    return SimpleNamespace(data=dict(inputs), workflow=SimpleNamespace(script_engine=ENGINE))


def evaluate(
    decision: CheckedDecision, inputs: Mapping[str, Any], declared: Mapping[str, str]
) -> Evaluation:
    """Run the table on `inputs`. `MissingInput` when a needed input is absent or None;
    `DecisionFault` when an input has the wrong type or a cell fails."""
    used = {name: inputs.get(name) for name in sorted(decision.input_names)}
    for name, value in used.items():
        if value is None:
            raise MissingInput(name)
        if not _fits(value, declared.get(name, "")):
            raise DecisionFault(
                _("input %(name)s should be a %(kind)s")
                % {"name": name, "kind": declared.get(name)}
            )
    task = _context(used)
    try:
        matched = decision.engine.decide(task)
        fired = [
            FiredRule(
                rule.row_number,
                rule.id,
                (rule.description or "").strip(),
                dict(rule.output_as_dict(task)),
            )
            for rule in matched
        ]
    except SpiffWorkflowException as error:
        if isinstance(error.__cause__, UnknownVariable):
            raise MissingInput(error.__cause__.name) from None
        raise DecisionFault(str(error).splitlines()[0]) from None
    if decision.hit_policy == "COLLECT":
        result: dict = {}
        for rule in fired:
            for key, value in rule.outputs.items():
                result.setdefault(key, []).append(value)
    else:
        result = dict(fired[0].outputs) if fired else {}
    return Evaluation(fired=fired, result=result, inputs=used)


@dataclass
class Simulation:
    """A decision run over many rows: how many ended with each outcome, which rules fired how
    often, which inputs were missing, and which rows failed."""

    total: int = 0
    outcomes: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "outcomes": dict(self.outcomes),
            "rules": {str(row): count for row, count in sorted(self.rules.items())},
            "missing": dict(self.missing),
            "faults": dict(self.faults),
        }


NO_RULE = "no_rule"
MISSING = "missing_input"
FAULT = "fault"


def simulate(
    decision: CheckedDecision,
    rows: Iterable[Mapping[str, Any]],
    declared: Mapping[str, str],
    *,
    outcome: str | None = None,
) -> Simulation:
    """Evaluate every row; count outcomes by the `outcome` output (default: the first output
    column), the rules that fired, missing inputs and faults. Rows are not kept."""
    outcome = outcome or decision.outputs[0].label
    report = Simulation()
    for row in rows:
        report.total += 1
        try:
            evaluation = evaluate(decision, row, declared)
        except MissingInput as error:
            report.outcomes[MISSING] += 1
            report.missing[error.name] += 1
            continue
        except DecisionFault as error:
            report.outcomes[FAULT] += 1
            report.faults[str(error)] += 1
            continue
        for rule in evaluation.fired:
            report.rules[rule.row] += 1
        value = evaluation.result.get(outcome, NO_RULE) if evaluation.fired else NO_RULE
        key = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        report.outcomes[key] += 1
    return report
