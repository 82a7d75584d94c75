"""The authorization matrix: every endpoint the URL resolver knows × the verbs it serves × who
asks. One table per app (`tests/security/matrix/<app>.py`, a list `ROWS`); the test
(`tests/security/test_authorization_matrix.py`) fails for an endpoint without a row.

A row names the route exactly as the resolver spells it (`licences/<int:pk>/`), the verbs the
endpoint serves, the actors allowed, and how to build the URL (and a body) from the seeded
world. Every actor not in `allow` must be refused; every verb not listed must answer 405.

Outcomes: refused = 401, 403, 404 or a redirect to a sign-in page; allowed = anything else
below 500 (a 400 or 409 means authorization passed and the input or state did not).

Actors (see `world.py` for who they are in the demo city):

- anonymous
- applicant, other_applicant: two citizens; objects in rows belong to `applicant`
- agent, agent_without_scope: the business's agent with every scope, and one with only
  "apply" (the business's objects are not the applicant's)
- official: an approver of the department that owns the row's object (`department`)
- official_other: an approver of a department that owns nothing in the rows
- data_admin: the data administrator of the owning department
- operator, auditor: the platform's operator and auditor (政务服务和数据管理局)

Adding an app's rows: create `tests/security/matrix/<app>.py` with `ROWS = [row(...), ...]`
(it is found by itself); objects the rows need go into `world.py`'s `build_world`. Example:

    row("applications/<int:pk>/", "GET", {"applicant", "agent", "official"},
        department="民政局", kwargs=lambda w: {"pk": w.application.pk})"""

from collections.abc import Callable
from dataclasses import dataclass, field

ACTORS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "agent",
    "agent_without_scope",
    "official",
    "official_other",
    "data_admin",
    "operator",
    "auditor",
)
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
CITIZENS = frozenset({"applicant", "other_applicant", "agent", "agent_without_scope"})
OFFICIALS = frozenset({"official", "official_other", "data_admin", "operator", "auditor"})
NOBODY: frozenset[str] = frozenset()
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")

NOT_TABLES = {"world"}  # modules of this package that hold no rows

# Routes outside the matrix, each with the reason and the test that covers it instead.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: staff only, every model's pages (tests/security/test_admin.py)",
    "static/": "static files",
}


@dataclass(frozen=True)
class Row:
    route: str
    verbs: tuple[str, ...]
    allow: frozenset[str]
    url: str | Callable = ""  # default: the route with `kwargs` filled in
    kwargs: Callable | None = None  # world -> {name: value} for the route's parameters
    department: str = "民政局"  # owner of the object: who `official` and `data_admin` are
    data: Callable | None = None  # world -> POST/PUT body (form fields or a JSON-able dict)
    json: bool = False
    note: str = ""
    any_verb: str = ""  # why this endpoint answers every verb alike (not probed for 405)
    atomic: bool = True  # False where the endpoint commits on its own (the gateway's log)
    signs_out: bool = False  # the allowed answer ends the caller's own session
    extra: dict = field(default_factory=dict)


def row(route: str, verbs: str | tuple, allow, **options) -> Row:
    verbs = tuple(verbs.split()) if isinstance(verbs, str) else tuple(verbs)
    return Row(route=route, verbs=verbs, allow=frozenset(allow), **options)


def tables() -> list[str]:
    """Every table module of this package: a new `<app>.py` with `ROWS` is picked up."""
    import pkgutil

    return sorted(
        info.name for info in pkgutil.iter_modules(__path__) if info.name not in NOT_TABLES
    )


def all_rows() -> list[Row]:
    import importlib

    rows = []
    for name in tables():
        rows += importlib.import_module(f"tests.security.matrix.{name}").ROWS
    return rows
