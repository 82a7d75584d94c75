"""Template slots: a lower app names a place on its page, a higher app fills it.

Imports go downwards only (tests/test_layers.py), so the catalogue cannot link to the intake
it knows nothing about. It renders `{% slot "catalog.guide_actions" %}` (from the `slots`
template library); an app above registers a template for that slot in its `AppConfig.ready()`
with `add_template`. An empty slot renders nothing. The template gets the page's context."""

_slots: dict[str, list[str]] = {}


def add_template(slot: str, template: str) -> None:
    """Fill `slot` with `template` (once; in registration order, i.e. INSTALLED_APPS order)."""
    templates = _slots.setdefault(slot, [])
    if template not in templates:
        templates.append(template)


def templates(slot: str) -> tuple[str, ...]:
    return tuple(_slots.get(slot, ()))
