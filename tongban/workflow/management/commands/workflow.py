"""`tongban workflow`: upload and list process and decision models, fire due timers.

    tongban workflow upload FILE.bpmn --key KEY --operator LOGIN
    tongban workflow upload-decision FILE.dmn --key KEY \
        --inputs age=integer,resident=boolean --operator LOGIN
    tongban workflow list
    tongban workflow fire-timers

Uploads are checked exactly as in the admin; a refused file prints every problem and exits 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.identity.models import Account
from tongban.workflow import services
from tongban.workflow.models import DecisionDefinition, ProcessDefinition
from tongban.workflow.xml import InvalidModel


class Command(BaseCommand):
    help = "Upload and list BPMN process and DMN decision models; fire due BPMN timers."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        upload = commands.add_parser("upload", help="upload a BPMN process model")
        upload.add_argument("file", type=Path)
        upload.add_argument("--key", required=True)
        upload.add_argument("--operator", required=True, help="login of a platform operator")
        decision = commands.add_parser("upload-decision", help="upload a DMN decision table")
        decision.add_argument("file", type=Path)
        decision.add_argument("--key", required=True)
        decision.add_argument(
            "--inputs", required=True, help="name=kind,... (integer, number, string, boolean, date)"
        )
        decision.add_argument("--operator", required=True)
        commands.add_parser("list", help="list the stored models")
        commands.add_parser("fire-timers", help="fire BPMN timers that are due now")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for model in (*ProcessDefinition.objects.all(), *DecisionDefinition.objects.all()):
                kind = "process" if isinstance(model, ProcessDefinition) else "decision"
                self.stdout.write(
                    f"{kind:8} {model.key:24} v{model.version:<3} {model.source:8} {model.name}"
                )
            return
        if action == "fire-timers":
            self.stdout.write(f"{services.fire_due_timers()} process(es) stepped")
            return
        try:
            operator = Account.objects.get(login=options["operator"])
        except Account.DoesNotExist:
            raise CommandError(f"no account with the login {options['operator']!r}") from None
        content = options["file"].read_bytes()
        try:
            if action == "upload":
                model = services.upload_process(key=options["key"], content=content, actor=operator)
            else:
                model = services.upload_decision(
                    key=options["key"],
                    content=content,
                    inputs=self.inputs(options["inputs"]),
                    actor=operator,
                )
        except InvalidModel as refused:
            for message in refused.messages:
                self.stderr.write(f"refused: {message}")
            raise CommandError(f"{options['file']} was not stored") from None
        self.stdout.write(f"stored {model.key} version {model.version}")

    @staticmethod
    def inputs(text: str) -> dict[str, str]:
        pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise CommandError("--inputs takes name=kind pairs separated by commas")
        return {name.strip(): kind.strip() for name, kind in pairs}
