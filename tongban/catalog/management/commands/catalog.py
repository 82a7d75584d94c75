"""`tongban catalog export > file` and `tongban catalog import file`: the whole catalogue as one
JSON document (docs/catalog-format.md). Import checks everything first and writes nothing when
any problem is found; each problem is printed with its path."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tongban.catalog.selectors import export_catalogue
from tongban.catalog.services import CatalogueInvalid, import_catalogue, import_problems

ACTOR = "system:catalog-import"


class Command(BaseCommand):
    help = "Export or import the service catalogue as JSON."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("export", help="print the catalogue as JSON on standard output")
        importing = actions.add_parser("import", help="import a catalogue file")
        importing.add_argument("file", help="a catalogue JSON file, or - for standard input")
        importing.add_argument(
            "--check", action="store_true", help="only report problems, write nothing"
        )

    def handle(self, *args, action, **options):
        if action == "export":
            json.dump(export_catalogue(), self.stdout, ensure_ascii=False, indent=2)
            self.stdout.write("")
            return
        document = self.read(options["file"])
        if options["check"]:
            self.report(import_problems(document))
            self.stdout.write("catalog import --check: no problems.")
            return
        try:
            counts = import_catalogue(document=document, actor=ACTOR)
        except CatalogueInvalid as invalid:
            self.report(invalid.problems)
        for what in sorted({what for what, _status in counts}):
            parts = [
                f"{status} {counts[(what, status)]}"
                for status in ("created", "updated", "unchanged")
                if counts[(what, status)]
            ]
            self.stdout.write(f"  {what}: {', '.join(parts)}")
        changed = sum(n for (_what, status), n in counts.items() if status != "unchanged")
        self.stdout.write(f"catalog import: {changed} change(s).")

    def read(self, name: str):
        try:
            if name == "-":
                return json.load(sys.stdin)
            with open(name, encoding="utf-8") as file:
                return json.load(file)
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{name} is not JSON: {error}") from None

    def report(self, problems) -> None:
        if not problems:
            return
        for path, message in problems:
            self.stderr.write(f"{path or '(document)'}: {message}")
        raise CommandError(f"{len(problems)} problem(s); nothing was imported.")
