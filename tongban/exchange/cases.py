"""Who takes part in a case (办件) that fetched registry data: the app that handles cases
(intake) knows, but the exchange may not import it, so that app registers its lookup here when
it starts. The exchange asks it when a citizen disputes a value fetched into a case about
someone else — a father registering a birth disputes the mother's 出生医学证明 record."""

from collections.abc import Callable

# (person, case reference) -> whether the person is the applicant or another party of the case
PartyLookup = Callable[[object, str], bool]

_lookups: list[PartyLookup] = []


def register_party_lookup(lookup: PartyLookup) -> None:
    """Called once by the app that handles cases, when it starts."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def unregister_party_lookup(lookup: PartyLookup) -> None:
    if lookup in _lookups:
        _lookups.remove(lookup)


def is_party(person, case_reference: str) -> bool:
    """Whether `person` takes part in the case; False with no case or no lookup installed."""
    return bool(case_reference) and any(lookup(person, case_reference) for lookup in _lookups)
