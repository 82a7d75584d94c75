"""How higher layers (intake) react to the engine without the engine importing them.

A receiver registers for one event and one subject type (usually in its AppConfig.ready):

    from tongban.workflow import hooks

    @hooks.receiver("process_ended", subject_type="intake.application")
    def record_decision(*, instance, end_event, data, **kwargs): ...

Events and their keyword arguments:

- `task_created`: instance, task — a user task became ready (notify the department);
- `task_completed`: instance, task, outcome, data, actor — an official decided a task;
- `process_ended`: instance, end_event (BPMN id of the end event reached), data (final
  process data).

Receivers run synchronously inside the service's transaction, after the step is saved. One that
raises rolls the whole step back (state, tasks, events and the caller's own change), so the
subject and its process never disagree. Receivers must not step the same instance again.

(Django signals were not used: they match a `sender` by identity, and subject types are strings
read from the database.)"""

from collections import defaultdict
from collections.abc import Callable

EVENTS = frozenset({"task_created", "task_completed", "process_ended"})

_receivers: dict[tuple[str, str], list[Callable]] = defaultdict(list)


def connect(event: str, function: Callable, *, subject_type: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown workflow event {event!r}; one of {sorted(EVENTS)}")
    if function not in _receivers[(event, subject_type)]:
        _receivers[(event, subject_type)].append(function)


def disconnect(event: str, function: Callable, *, subject_type: str) -> None:
    if function in _receivers[(event, subject_type)]:
        _receivers[(event, subject_type)].remove(function)


def receiver(event: str, *, subject_type: str) -> Callable[[Callable], Callable]:
    """Decorator form of `connect`."""

    def register(function: Callable) -> Callable:
        connect(event, function, subject_type=subject_type)
        return function

    return register


def send(event: str, *, subject_type: str, **kwargs) -> None:
    for function in list(_receivers.get((event, subject_type), ())):
        function(**kwargs)
