"""The exchange: the citizen's data-usage page; the sharing catalogue, grants, quality and
corrections for data administrators; the gateway API for system clients only."""

from tests.security.matrix import CITIZENS, NOBODY, OFFICIALS, row

OWNER = "公安局"  # owns the population registry, its resource, quality issues, corrections
SYSTEMS_ONLY = "system clients' bearer tokens only: a person's session is refused"

ROWS = [
    row("me/data-usage/", "GET", CITIZENS),
    row(
        "me/data-usage/<int:access_id>/dispute/",
        "GET POST",
        {"applicant"},
        kwargs=lambda w: {"access_id": w.access_id},
    ),
    row("exchange/catalogue/", "GET", OFFICIALS),
    row("exchange/catalogue/<path:code>/", "GET", OFFICIALS, url=lambda w: w.resource_url),
    row(
        "exchange/catalogue/<path:code>/",
        "POST",
        {"data_admin"},
        department=OWNER,
        url=lambda w: w.resource_url,
    ),
    row("exchange/grants/", "GET", {"data_admin"}, department=OWNER),
    row(
        "exchange/grants/<int:grant_id>/",
        "GET POST",
        {"data_admin"},
        department=OWNER,
        kwargs=lambda w: {"grant_id": w.grant.pk},
    ),
    row("exchange/quality/", "GET", {"data_admin"}, department=OWNER),
    row(
        "exchange/quality/<slug:code>/",
        "GET",
        {"data_admin"},
        department=OWNER,
        kwargs=lambda w: {"code": "population"},
    ),
    row(
        "exchange/quality/<slug:code>/run/",
        "POST",
        {"data_admin"},
        department=OWNER,
        kwargs=lambda w: {"code": "population"},
    ),
    row("exchange/corrections/", "GET", {"data_admin"}, department=OWNER),
    row(
        "exchange/corrections/<int:correction_id>/resolve/",
        "POST",
        {"data_admin"},
        department=OWNER,
        kwargs=lambda w: {"correction_id": w.correction.pk},
    ),
    # API: systems only
    row(
        "api/v1/exchange/lookups",
        "POST",
        NOBODY,
        json=True,
        atomic=False,
        note=SYSTEMS_ONLY,
        data=lambda w: {
            "registry": "population",
            "subject_id": w.applicant.person.id_number,
            "fields": ["name"],
            "purpose": "婚姻登记",
            "case_reference": "C-1",
        },
    ),
    row("api/v1/exchange/grants", "GET", NOBODY, atomic=False, note=SYSTEMS_ONLY),
    row(
        "api/v1/exchange/corrections",
        "POST",
        NOBODY,
        json=True,
        atomic=False,
        note=SYSTEMS_ONLY,
        extra={"headers": {"Idempotency-Key": "matrix-key-0001"}},
        data=lambda w: {
            "registry": "population",
            "subject_id": w.applicant.person.id_number,
            "field": "name",
            "reason": "x",
            "case_reference": "C-1",
        },
    ),
]
