"""Registries whose records another app keeps (数据来源): e-licences, for one.

The exchange must not import the apps above it (docs/architecture.md), yet their data must
reach other departments only through the gateway, under a grant, with an access-log line the
data subject sees. So such an app registers a lookup here when it starts (`AppConfig.ready`),
and describes each dataset as an ordinary `Registry` whose `source` names that lookup. The
gateway then serves it like any registry — grants, the sharing catalogue, rate limits, the
access log and the citizen's 数据使用记录 work unchanged — but reads the record from the
source instead of `Record` rows. Such registries hold no rows of their own: writes to them are
refused, the quality checks leave them out, and records are found by their subject only."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.exchange.models import Registry

READ_ONLY = _("Another part of the platform keeps this registry's records; they are read-only.")


@dataclass(frozen=True)
class SourceRecord:
    """One subject's record as a source answers it (what the gateway reads from `Record`)."""

    uid: str  # the source's stable id of the record, e.g. a licence identifier
    version: int
    values: dict  # field -> value, the subject field included

    def content(self) -> dict:
        return dict(self.values)


# (registry, blind index of the subject, cleaned subject identifier) -> the record, or None
SourceLookup = Callable[[Registry, str, str], SourceRecord | None]

_lookups: dict[str, SourceLookup] = {}


def register_source(name: str, lookup: SourceLookup) -> None:
    """Called by the app that keeps the data, once, when it starts."""
    _lookups[name] = lookup


def is_registered(name: str) -> bool:
    return name in _lookups


def find(registry: Registry, subject_index: str, identifier: str) -> SourceRecord | None:
    """The source-kept record of one subject; None when the source holds none (or, should
    the app that registered it be missing, for every subject)."""
    lookup = _lookups.get(registry.source)
    return lookup(registry, subject_index, identifier) if lookup else None
