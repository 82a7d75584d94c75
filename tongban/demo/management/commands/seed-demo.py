"""`tongban seed-demo`: create or refresh the demo city. A second run changes nothing."""

from django.core.management.base import BaseCommand

from tongban.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Seed the demo city 示范市 (idempotent)."

    def handle(self, **options):
        report = seed_demo()
        whats = sorted({what for what, _status in report.counts})
        for what in whats:
            parts = [
                f"{status} {report.counts[(what, status)]}"
                for status in ("created", "updated", "unchanged")
                if report.counts[(what, status)]
            ]
            self.stdout.write(f"  {what}: {', '.join(parts)}")
        self.stdout.write(f"seed-demo: {report.changed} change(s).")
        if report.accounts:
            self.stdout.write("\nDemo accounts (fictional; never use these outside the demo):")
            for account in report.accounts:
                self.stdout.write("  " + "  ".join(f"{k}={v}" for k, v in account.items()))
