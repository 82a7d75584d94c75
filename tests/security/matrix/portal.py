"""The public portal: pages without personal data, open to everyone."""

from tests.security.matrix import EVERYONE, row

ROWS = [
    row("", "GET", EVERYONE, url="/"),
    row("search/", "GET", EVERYONE),
    row("personal/", "GET", EVERYONE),
    row("business/", "GET", EVERYONE),
    row("departments/", "GET", EVERYONE),
    row("accessibility/", "GET", EVERYONE),
]
