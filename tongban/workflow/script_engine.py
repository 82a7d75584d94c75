"""SpiffWorkflow's script-engine hook, filled with the restricted language.

SpiffWorkflow evaluates every condition, timer, multi-instance expression, script and DMN cell
through `workflow.script_engine` (and a few places through `script_engine.environment`). Both
are replaced here, so no model content ever reaches Python's `eval` or `exec`."""

from collections import ChainMap
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from tongban.workflow.expressions import ExpressionError, compile_expression, compile_script


class CellError(SpiffWorkflowException):
    """An expression failed outside a BPMN task (a DMN cell); the `ExpressionError` is its
    `__cause__`. A SpiffWorkflow exception, so the DMN engine passes it on unchanged."""


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates against the task data (and SpiffWorkflow's extra context) without copying."""

    def evaluate(self, expression, context, external_context=None):
        data = ChainMap(external_context, context) if external_context else context
        return compile_expression(expression).evaluate(data)

    def execute(self, script, context, external_context=None):
        compile_script(script).execute(context)
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionError("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    """The only script engine Tongban gives SpiffWorkflow."""

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        compile_expression(expression)

    def evaluate(self, task, expression, external_context=None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ExpressionError as error:
            if getattr(task, "task_spec", None) is None:
                raise CellError(str(error)) from error
            raise WorkflowTaskException(
                f"expression {expression!r}: {error}", task=task, exception=error
            ) from error

    def execute(self, task, script, external_context=None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context)
        except ExpressionError as error:
            raise WorkflowTaskException(f"script: {error}", task=task, exception=error) from error

    def call_service(self, task, **kwargs):
        raise WorkflowTaskException("service tasks are not supported", task=task)


ENGINE = RestrictedScriptEngine()
