"""GovStack APIs: the public service registration API, and the Digital Registries API for
system clients only (a person's session is refused everywhere)."""

from tests.security.matrix import EVERYONE, NOBODY, row
from tests.security.matrix.core import NINJA_DOCS

R = "govstack/registries/"
DATA = R + "data/<registryName>/<versionNumber>"
SYSTEMS_ONLY = "system clients or trusted mediators only"
USAGE = "/" + R + "data/{}?userId=1&databaseId=*"
QUERY = {"query": {"content": {"id_number": "x"}}}
WRITE = {"write": {"content": {"id_number": "x"}}}


def registry(w):
    return {"registryName": "population", "versionNumber": "1"}


def record(w):
    return {**registry(w), "uuid": w.population_record, "field": "name", "ext": "json"}


ROWS = [
    row(
        "govstack/registration/",
        "GET",
        NOBODY,
        url="/govstack/registration/",
        note="ninja's root: 404 for everyone",
    ),
    row("govstack/registration/openapi.json", "GET", EVERYONE, any_verb=NINJA_DOCS),
    row("govstack/registration/docs", "GET", EVERYONE, any_verb=NINJA_DOCS),
    row("govstack/registration/services", "GET", EVERYONE),
    row(
        "govstack/registration/services/<serviceId>",
        "GET",
        EVERYONE,
        kwargs=lambda w: {"serviceId": w.matter.service_id},
    ),
    row(R, "GET", NOBODY, url="/" + R, note="ninja's root: 404 for everyone"),
    row(R + "openapi.json", "GET", EVERYONE, any_verb=NINJA_DOCS),
    row(R + "docs", "GET", EVERYONE, any_verb=NINJA_DOCS),
    row(
        R + "data/my-personal-data-usage",
        "GET",
        NOBODY,
        url=USAGE.format("my-personal-data-usage"),
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        R + "data/MyPersonalDataUsage/1.0",
        "GET",
        NOBODY,
        url=USAGE.format("MyPersonalDataUsage/1.0"),
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        R + "data/myPersonalDataUsage",
        "GET",
        NOBODY,
        url=USAGE.format("myPersonalDataUsage"),
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(DATA, "GET", NOBODY, kwargs=registry, note=SYSTEMS_ONLY, atomic=False),
    row(
        DATA + "/create",
        "POST",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: WRITE,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/exists",
        "POST",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: QUERY,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/read",
        "POST",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: QUERY,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/update",
        "PUT",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: {**QUERY, **WRITE},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/update-entries",
        "PUT",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: {**QUERY, **WRITE},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/updateEntries",
        "PUT",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: {**QUERY, **WRITE},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/update-or-create",
        "POST",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: {**QUERY, **WRITE},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/updateOrCreate",
        "POST",
        NOBODY,
        kwargs=registry,
        json=True,
        data=lambda w: {**QUERY, **WRITE},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/<ID>/delete",
        "DELETE",
        NOBODY,
        json=True,
        kwargs=lambda w: {**registry(w), "ID": w.population_record},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/<uuid>/read-value/<field>.<ext>",
        "GET",
        NOBODY,
        kwargs=record,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        DATA + "/<uuid>/readValue/<field>.<ext>",
        "GET",
        NOBODY,
        kwargs=record,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(R + "databases", "GET", NOBODY, note=SYSTEMS_ONLY, atomic=False),
    row(
        R + "database/<int:id>",
        "GET",
        NOBODY,
        kwargs=lambda w: {"id": w.population_id},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        R + "database/<int:id>",
        "DELETE",
        NOBODY,
        kwargs=lambda w: {"id": w.population_id},
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
    row(
        R + "database/modify",
        "POST",
        NOBODY,
        data=lambda w: {"code": "matrix", "schema": {"type": "object"}},
        json=True,
        note=SYSTEMS_ONLY,
        atomic=False,
    ),
]
