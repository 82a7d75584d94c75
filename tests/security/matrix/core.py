"""Health, language switch and the API documents: open to everyone."""

from tests.security.matrix import EVERYONE, NOBODY, row

NINJA_DOCS = "django-ninja's schema and docs views: read-only, answer any verb"

ROWS = [
    row("healthz", "GET", EVERYONE),
    row("readyz", "GET", EVERYONE, note="503 without a worker is an answer, not a failure"),
    row("i18n/setlang/", "POST", EVERYONE, any_verb="Django's set_language: redirects"),
    row("api/v1/", "GET", NOBODY, url="/api/v1/", note="ninja's root: 404 for everyone"),
    row("api/v1/openapi.json", "GET", EVERYONE, any_verb=NINJA_DOCS),
    row("api/v1/docs", "GET", EVERYONE, any_verb=NINJA_DOCS),
]
