"""Intake (applications, counter, workbench cases, GovStack registration's application API).

Intake landed on main after this matrix; its rows are not written yet. Each of its routes is
listed in `PENDING` so that the route test names them as pending instead of failing, while any
other new endpoint without a row still fails. Replace an entry by real `row(...)`s (the
objects they need — an application of the applicant, a task of the owning department — go
into `world.py`), and delete `PENDING` when it is empty."""

ROWS: list = []

PENDING = [
    "api/v1/applications/",
    "api/v1/applications/<pk>",
    "api/v1/applications/<pk>/materials",
    "api/v1/applications/<pk>/submit",
    "api/v1/applications/<pk>/supplement",
    "api/v1/applications/<pk>/tasks",
    "api/v1/applications/<pk>/tasks/<task>/<action>",
    "api/v1/applications/<pk>/withdraw",
    "api/v1/applications/queue",
    "applications/",
    "applications/<int:pk>/",
    "applications/<int:pk>/edit/",
    "applications/<int:pk>/materials/",
    "applications/<int:pk>/receipt/",
    "applications/<int:pk>/supplement/",
    "applications/<int:pk>/withdraw/",
    "applications/files/<int:pk>/",
    "applications/files/<int:pk>/remove/",
    "apply/<int:version>/",
    "apply/life-event/<slug:code>/",
    "counter/",
    "govstack/registration/applications",
    "govstack/registration/applications/<fileId>",
    "govstack/registration/documents",
    "govstack/registration/documents/<token>",
    "govstack/registration/services/<serviceId>/applications",
    "govstack/registration/tasks",
    "govstack/registration/tasks/<taskId>",
    "govstack/registration/tasks/<taskId>/complete",
    "messages/",
    "workbench/cases/",
    "workbench/cases/<int:pk>/",
    "workbench/cases/<int:pk>/result/",
    "workbench/cases/<int:pk>/tasks/<int:task>/<slug:action>/",
]
