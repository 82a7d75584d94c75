"""The restricted expression language of process models and decision tables (表达式).

BPMN conditions, timer expressions, script tasks and DMN cells are written by operators and
stored as data; they must never run as Python. This module parses them with Python's `ast`
module (so the syntax is familiar), refuses every node outside a small whitelist at compile
time, and evaluates the rest with its own interpreter: nothing here calls `eval`, `exec`,
`compile` or `getattr`.

The language (docs/workflow.md has the full table):

- literals: numbers, strings, `True`, `False`, `None`, lists `[1, 2]`, tuples, sets, dicts
  with literal keys;
- variables: names from the process data or the decision inputs (no leading underscore);
- arithmetic `+ - * / // %` and `**` (exponent at most 64), unary `- + not`;
- comparisons `== != < <= > >=` (chained: `18 <= age < 60`), `in`, `not in`, `is None`;
- boolean logic `and`, `or`, `not`; conditional `a if condition else b`;
- subscripts `data["key"]`, `items[0]` (no slices, no key starting with `_`);
- calls of the functions in `FUNCTIONS` only, positional arguments only.

Scripts (BPMN script tasks) are lines of assignments `name = expression`.

Refused: attribute access (`x.y`), lambdas, comprehensions, f-strings, walrus, starred
arguments, keyword arguments, calls of anything but the listed functions, names starting with
an underscore, and values that would grow without bound (numbers above 2**256, strings or
lists above 100,000 items)."""

from __future__ import annotations

import ast
import datetime
import functools
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_SOURCE = 4000
MAX_NODES = 400
MAX_STATEMENTS = 100
MAX_INT_BITS = 256
MAX_EXPONENT = 64
MAX_SEQUENCE = 100_000


class ExpressionError(ValueError):
    """An expression is outside the language, or failed while being evaluated.

    `source` is the expression text; the message says what is wrong in terms an operator can
    act on (`attribute access is not allowed: os.system`)."""

    def __init__(self, message: str, *, source: str = ""):
        self.source = source
        super().__init__(message)


class UnknownVariable(ExpressionError):
    """The expression names a variable the data does not have."""

    def __init__(self, name: str, *, source: str = ""):
        self.name = name
        super().__init__(f"unknown variable: {name}", source=source)


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    raise TypeError("date() takes an ISO date string")


def _days_between(start: Any, end: Any) -> int:
    return (_parse_date(end) - _parse_date(start)).days


def _years_between(start: Any, end: Any) -> int:
    """Whole years from `start` to `end` (an age: birthdays count on the day)."""
    a, b = _parse_date(start), _parse_date(end)
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def _text(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def checked(value, *args):
        if not isinstance(value, str):
            raise TypeError(f"{function.__name__}() takes a string")
        return function(value, *args)

    return checked


def _round(value, digits=0):
    if not isinstance(digits, int) or not -10 <= digits <= 10:
        raise TypeError("round() takes at most 10 digits")
    return round(value, digits)


def _number(kind: type) -> Callable[[Any], Any]:
    def convert(value):
        if isinstance(value, str) and len(value) > 100:
            raise TypeError(f"{kind.__name__}() of a string longer than 100 characters")
        result = kind(value)
        if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            raise ValueError("number too large")
        return result

    convert.__name__ = kind.__name__
    return convert


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "sum": sum,
    "abs": abs,
    "any": any,
    "all": all,
    "round": _round,
    "int": _number(int),
    "float": _number(float),
    "str": str,
    "bool": bool,
    "lower": _text(str.lower),
    "upper": _text(str.upper),
    "strip": _text(str.strip),
    "startswith": _text(str.startswith),
    "endswith": _text(str.endswith),
    "today": lambda: datetime.date.today().isoformat(),
    "date": lambda value: _parse_date(value).isoformat(),
    "days_between": _days_between,
    "years_between": _years_between,
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred argument",
    ast.Slice: "slice",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

Evaluator = Callable[[Mapping[str, Any]], Any]


def _check_size(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError("number too large")
    if isinstance(value, str | list | tuple) and len(value) > MAX_SEQUENCE:
        raise ValueError("value too long")
    return value


def _guarded_binary(op: type, left: Any, right: Any) -> Any:
    """Refuse the operations that could exhaust memory or time before doing them."""
    if op is ast.Pow and isinstance(left, int | float) and isinstance(right, int | float):
        if abs(right) > MAX_EXPONENT:
            raise ValueError(f"exponent above {MAX_EXPONENT}")
        if isinstance(left, int) and left.bit_length() * abs(right) > MAX_INT_BITS:
            raise ValueError("number too large")
    if op is ast.Mult:
        for seq, count in ((left, right), (right, left)):
            if (
                isinstance(seq, str | list | tuple)
                and isinstance(count, int)
                and len(seq) * count > MAX_SEQUENCE
            ):
                raise ValueError("value too long")
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1
        ):
            raise ValueError("number too large")
    result = _BINARY[op](left, right)
    if isinstance(result, float) and math.isinf(result):
        raise ValueError("number too large")
    return _check_size(result)


def _subscript(container: Any, key: Any) -> Any:
    if isinstance(key, str) and key.startswith("_"):
        raise ValueError("keys starting with an underscore are not allowed")
    if not isinstance(container, dict | list | tuple | str):
        raise TypeError(f"{type(container).__name__} cannot be indexed")
    return container[key]


class _Compiler:
    """Turns a whitelisted AST into nested closures (evaluated without `eval`)."""

    def __init__(self, source: str):
        self.source = source
        self.names: set[str] = set()

    def fail(self, message: str) -> ExpressionError:
        return ExpressionError(message, source=self.source)

    def compile(self, node: ast.AST) -> Evaluator:
        for kind, what in _REFUSED.items():
            if isinstance(node, kind):
                raise self.fail(f"{what} is not allowed: {ast.unparse(node)}")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"{type(node).__name__} is not allowed: {ast.unparse(node)}")
        return method(node)

    def _Constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if not (value is None or isinstance(value, bool | int | float | str)):
            raise self.fail(f"literal of type {type(value).__name__} is not allowed")
        _check_size(value)
        return lambda _data: value

    def _Name(self, node: ast.Name) -> Evaluator:
        name = node.id
        if name.startswith("_"):
            raise self.fail(f"names starting with an underscore are not allowed: {name}")
        if name in ("True", "False", "None"):
            value = {"True": True, "False": False, "None": None}[name]
            return lambda _data: value
        self.names.add(name)
        source = self.source

        def lookup(data):
            try:
                return data[name]
            except KeyError:
                raise UnknownVariable(name, source=source) from None

        return lookup

    def _sequence(self, node, build) -> Evaluator:
        items = [self.compile(element) for element in node.elts]
        return lambda data: build(item(data) for item in items)

    def _List(self, node: ast.List) -> Evaluator:
        return self._sequence(node, list)

    def _Tuple(self, node: ast.Tuple) -> Evaluator:
        return self._sequence(node, tuple)

    def _Set(self, node: ast.Set) -> Evaluator:
        return self._sequence(node, frozenset)

    def _Dict(self, node: ast.Dict) -> Evaluator:
        if any(key is None for key in node.keys):
            raise self.fail("dictionary unpacking is not allowed")
        keys = [self.compile(key) for key in node.keys]
        values = [self.compile(value) for value in node.values]
        return lambda data: {k(data): v(data) for k, v in zip(keys, values, strict=True)}

    def _BinOp(self, node: ast.BinOp) -> Evaluator:
        op = type(node.op)
        if op not in _BINARY:
            raise self.fail(f"operator {ast.unparse(node)} is not allowed")
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda data: _guarded_binary(op, left(data), right(data))

    def _UnaryOp(self, node: ast.UnaryOp) -> Evaluator:
        op = type(node.op)
        if op not in _UNARY:
            raise self.fail(f"operator {ast.unparse(node)} is not allowed")
        function, operand = _UNARY[op], self.compile(node.operand)
        return lambda data: function(operand(data))

    def _BoolOp(self, node: ast.BoolOp) -> Evaluator:
        values = [self.compile(value) for value in node.values]
        if isinstance(node.op, ast.And):

            def conjunction(data):
                result = True
                for value in values:
                    result = value(data)
                    if not result:
                        return result
                return result

            return conjunction

        def disjunction(data):
            result = False
            for value in values:
                result = value(data)
                if result:
                    return result
            return result

        return disjunction

    def _Compare(self, node: ast.Compare) -> Evaluator:
        left = self.compile(node.left)
        steps = [
            (_COMPARE[type(op)], self.compile(right))
            for op, right in zip(node.ops, node.comparators, strict=True)
        ]

        def compare(data):
            current = left(data)
            for function, right in steps:
                following = right(data)
                if not function(current, following):
                    return False
                current = following
            return True

        return compare

    def _IfExp(self, node: ast.IfExp) -> Evaluator:
        test, body, orelse = (self.compile(n) for n in (node.test, node.body, node.orelse))
        return lambda data: body(data) if test(data) else orelse(data)

    def _Subscript(self, node: ast.Subscript) -> Evaluator:
        key_node = node.slice
        if (
            isinstance(key_node, ast.Constant)
            and isinstance(key_node.value, str)
            and key_node.value.startswith("_")
        ):
            raise self.fail(f"keys starting with an underscore are not allowed: {key_node.value}")
        container, key = self.compile(node.value), self.compile(key_node)
        return lambda data: _subscript(container(data), key(data))

    def _Call(self, node: ast.Call) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = ast.unparse(node.func)
            raise self.fail(
                f"only these functions may be called: {', '.join(sorted(FUNCTIONS))} (not {name})"
            )
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed: {ast.unparse(node)}")
        function = FUNCTIONS[node.func.id]
        arguments = [self.compile(argument) for argument in node.args]
        return lambda data: _check_size(function(*(argument(data) for argument in arguments)))


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str):
        raise ExpressionError("an expression must be text", source=str(source))
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"longer than {MAX_SOURCE} characters", source=source[:100])
    try:
        tree = ast.parse(source.strip(), mode=mode)
    except SyntaxError:
        raise
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"cannot be parsed: {type(error).__name__}", source=source) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"more than {MAX_NODES} parts", source=source)
    return tree


class Expression:
    """A compiled expression: `evaluate(data)` runs it; `names` are the variables it reads."""

    __slots__ = ("_run", "names", "source")

    def __init__(self, source: str, run: Evaluator, names: frozenset[str]):
        self.source, self._run, self.names = source, run, names

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        try:
            return self._run(data)
        except ExpressionError:
            raise
        except RecursionError:
            raise ExpressionError("nested too deeply", source=self.source) from None
        except (TypeError, ValueError, ArithmeticError, KeyError, IndexError) as error:
            raise ExpressionError(f"{type(error).__name__}: {error}", source=self.source) from None


@functools.lru_cache(maxsize=4096)
def compile_expression(source: str) -> Expression:
    """Parse and check `source`; raises `SyntaxError` when it is not an expression at all
    (SpiffWorkflow's DMN engine relies on that to tell `>= 18` from `18`) and
    `ExpressionError` when it uses anything outside the language."""
    tree = _parse(source, "eval")
    compiler = _Compiler(source)
    try:
        run = compiler.compile(tree.body)
    except RecursionError:
        raise ExpressionError("nested too deeply", source=source) from None
    return Expression(source, run, frozenset(compiler.names))


def evaluate(source: str, data: Mapping[str, Any]) -> Any:
    return compile_expression(source).evaluate(data)


class Script:
    """A compiled script: assignments `name = expression`, run in order against `data`."""

    __slots__ = ("assignments", "names", "source")

    def __init__(self, source: str, assignments: list[tuple[str, Expression]]):
        self.source, self.assignments = source, assignments
        self.names = frozenset(n for _target, e in assignments for n in e.names)

    def execute(self, data: dict[str, Any]) -> None:
        for target, expression in self.assignments:
            data[target] = expression.evaluate(data)


@functools.lru_cache(maxsize=1024)
def compile_script(source: str) -> Script:
    """Parse a script of assignments; anything but `name = expression` lines is refused."""
    try:
        tree = _parse(source, "exec")
    except SyntaxError as error:
        raise ExpressionError(f"syntax error on line {error.lineno}", source=source) from None
    if len(tree.body) > MAX_STATEMENTS:
        raise ExpressionError(f"more than {MAX_STATEMENTS} statements", source=source)
    assignments = []
    for statement in tree.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            raise ExpressionError(
                f"a script may only assign variables (line {statement.lineno}: "
                f"{ast.unparse(statement)[:80]})",
                source=source,
            )
        target = statement.targets[0].id
        if target.startswith("_") or target in FUNCTIONS:
            raise ExpressionError(f"cannot assign to {target}", source=source)
        expression = compile_expression(ast.unparse(statement.value))
        assignments.append((target, expression))
    return Script(source, assignments)
