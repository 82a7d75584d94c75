"""`tongban calendar`: which years the working-day calendar covers, and loading the years a
newer `chinesecalendar` release publishes after the database was migrated (the migration
loaded only the years the package knew then)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongban.core.calendar import CalendarUnavailable, package_years
from tongban.core.models import CalendarYear
from tongban.core.services import load_package_calendar

ACTOR = "system:cli"


class Command(BaseCommand):
    help = "Show the covered years, or load years from the chinesecalendar package."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="covered years and where their holidays came from")
        load = sub.add_parser("load", help="load package years the calendar lacks")
        load.add_argument("years", nargs="*", type=int, help="only these years")
        load.add_argument(
            "--replace", action="store_true", help="also replace years an operator entered"
        )

    def handle(self, *args, action, **options):
        if action == "status":
            return self.status()
        return self.load(options["years"], replace=options["replace"])

    def status(self) -> None:
        known = package_years()
        for year in CalendarYear.objects.all():
            self.stdout.write(f"{year.year}\t{year.source}")
        self.stdout.write(f"chinesecalendar covers {known.start}–{known.stop - 1}")

    def load(self, years: list[int], *, replace: bool) -> None:
        covered = dict(CalendarYear.objects.values_list("year", "source"))
        wanted = years or [year for year in package_years() if year not in covered]
        for year in wanted:
            if covered.get(year) == CalendarYear.Source.OPERATOR and not replace:
                raise CommandError(
                    f"{year} was entered by an operator; use --replace to overwrite it"
                )
            try:
                with transaction.atomic():
                    load_package_calendar(year, actor=ACTOR)
            except CalendarUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"loaded {year}")
        if not wanted:
            self.stdout.write("nothing to load: every package year is in the calendar")
