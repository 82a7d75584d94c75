"""A task for the worker tests (importable by a worker process from the project root)."""

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def tick() -> str:
    return "tick"
