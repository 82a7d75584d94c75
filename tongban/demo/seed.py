"""The demo city's seed: ordered steps, each idempotent, all in one transaction.

Later capabilities add their step to `STEPS` (people, catalogue, registries, ...)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from tongban.demo import accounts, applications, catalog, city, instant, licences, registries


@dataclass
class SeedReport:
    """What a seed run changed, and the demo accounts to print."""

    counts: Counter = field(default_factory=Counter)
    accounts: list[dict[str, str]] = field(default_factory=list)

    def count(self, what: str, status: str) -> None:
        self.counts[(what, status)] += 1

    @property
    def changed(self) -> int:
        return sum(n for (_what, status), n in self.counts.items() if status != "unchanged")


STEPS = [
    city.seed,
    accounts.seed,
    catalog.seed,
    registries.seed,
    licences.seed,
    instant.seed,
    applications.seed,
]


@transaction.atomic
def seed_demo(*, steps=None) -> SeedReport:
    """Seed every step, or the given leading part of `STEPS` (tests seed only what they use)."""
    report = SeedReport()
    for step in steps or STEPS:
        step(report)
    return report
