"""The service catalogue: public guides; drafts for the owning department's editors."""

from tests.security.matrix import EVERYONE, row

EDITORS = {"data_admin", "operator"}  # read drafts
OWN_EDITORS = {"data_admin"}  # edit: the owning department's editors (the operator reviews)

ROWS = [
    row("services/", "GET", EVERYONE),
    row(
        "services/<uuid:service_id>/",
        "GET POST",
        EVERYONE,
        kwargs=lambda w: {"service_id": w.matter.service_id},
    ),
    row(
        "services/<uuid:service_id>/print/",
        "GET POST",
        EVERYONE,
        kwargs=lambda w: {"service_id": w.matter.service_id},
    ),
    row("life-events/", "GET", EVERYONE),
    row("life-events/<slug:code>/", "GET POST", EVERYONE, kwargs=lambda w: {"code": w.life_event}),
    # API
    row("api/v1/catalog/matters", "GET", EVERYONE),
    row(
        "api/v1/catalog/matters",
        "POST",
        {"data_admin"},
        json=True,
        data=lambda w: {
            "department": w.matter.department.credit_code,
            "implementation_code": "MATRIX-TEST-0001",
            "content": w.draft_content,
        },
    ),
    row("api/v1/catalog/search", "GET", EVERYONE),
    row("api/v1/catalog/themes", "GET", EVERYONE),
    row(
        "api/v1/catalog/matters/<service_id>",
        "GET",
        EVERYONE,
        kwargs=lambda w: {"service_id": w.matter.service_id},
    ),
    row(
        "api/v1/catalog/matters/<service_id>/versions/<number>",
        "GET",
        EVERYONE,
        kwargs=lambda w: {"service_id": w.matter.service_id, "number": w.published.number},
    ),
    row(
        "api/v1/catalog/matters/<service_id>/checklist",
        "POST",
        EVERYONE,
        json=True,
        kwargs=lambda w: {"service_id": w.matter.service_id},
        data=lambda w: {"answers": {}},
    ),
    row("api/v1/catalog/life-events", "GET", EVERYONE),
    row(
        "api/v1/catalog/life-events/<code>",
        "GET",
        EVERYONE,
        kwargs=lambda w: {"code": w.life_event},
    ),
    row(
        "api/v1/catalog/life-events/<code>/checklist",
        "POST",
        EVERYONE,
        json=True,
        kwargs=lambda w: {"code": w.life_event},
        data=lambda w: {"answers": {}},
    ),
    row(
        "api/v1/catalog/versions/<version_id>",
        "GET",
        EDITORS,
        kwargs=lambda w: {"version_id": w.draft.pk},
    ),
    row(
        "api/v1/catalog/versions/<version_id>",
        "PUT",
        OWN_EDITORS,
        json=True,
        kwargs=lambda w: {"version_id": w.draft.pk},
        data=lambda w: {"content": w.draft_content},
    ),
    row(
        "api/v1/catalog/matters/<service_id>/revisions",
        "POST",
        OWN_EDITORS,
        json=True,
        kwargs=lambda w: {"service_id": w.matter.service_id},
    ),
    row(
        "api/v1/catalog/versions/<version_id>/<step>",
        "POST",
        OWN_EDITORS,
        json=True,
        kwargs=lambda w: {"version_id": w.draft.pk, "step": "submit"},
    ),
    # the workbench pages (tongban/catalog/workbench.py; tests/catalog/test_workbench.py)
    row("workbench/catalogue/", "GET", {"data_admin", "operator"}, note="own department's list"),
    row("workbench/catalogue/review/", "GET", {"operator"}),
    row(
        "workbench/catalogue/matters/<int:pk>/revise/",
        "POST",
        OWN_EDITORS,
        kwargs=lambda w: {"pk": w.matter.pk},
    ),
    row(
        "workbench/catalogue/versions/<int:pk>/",
        "GET",
        EDITORS,
        kwargs=lambda w: {"pk": w.draft.pk},
    ),
    row(
        "workbench/catalogue/versions/<int:pk>/edit/",
        "GET POST",
        OWN_EDITORS,
        kwargs=lambda w: {"pk": w.draft.pk},
    ),
    row(
        "workbench/catalogue/versions/<int:pk>/<slug:step>/",
        "POST",
        OWN_EDITORS,
        kwargs=lambda w: {"pk": w.draft.pk, "step": "submit"},
    ),
]
