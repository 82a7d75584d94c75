"""The processes the platform ships (`processes/*.bpmn`), installed on every `migrate`.

A shipped file whose content changed becomes a new version; an unchanged one is left alone,
so running `migrate` again changes nothing."""

from pathlib import Path

from tongban.workflow.models import Source

PROCESSES = Path(__file__).resolve().parent / "processes"
SHIPPED = ("single_department", "parallel_review")
ACTOR = "system:workflow-shipped"


def install_shipped_processes(**_kwargs) -> list:
    from tongban.workflow.services import upload_process

    return [
        upload_process(
            key=key,
            content=(PROCESSES / f"{key}.bpmn").read_bytes(),
            actor=ACTOR,
            source=Source.SHIPPED,
        )
        for key in SHIPPED
    ]
