from django.urls import path

from tongban.catalog import views, workbench

app_name = "catalog"
urlpatterns = [
    path("services/", views.browse, name="browse"),
    path("services/<uuid:service_id>/", views.guide, name="guide"),
    path("services/<uuid:service_id>/print/", views.guide_print, name="guide_print"),
    path("life-events/", views.life_events, name="life_events"),
    path("life-events/<slug:code>/", views.life_event, name="life_event"),
    # the officials' workbench: a department's matters, drafts and the platform review
    path("workbench/catalogue/", workbench.department_matters, name="department_matters"),
    path("workbench/catalogue/review/", workbench.review_queue, name="review_queue"),
    path(
        "workbench/catalogue/matters/<int:pk>/revise/",
        workbench.start_revision,
        name="start_revision",
    ),
    path("workbench/catalogue/versions/<int:pk>/", workbench.version_detail, name="version"),
    path(
        "workbench/catalogue/versions/<int:pk>/edit/",
        workbench.edit_version,
        name="edit_version",
    ),
    path(
        "workbench/catalogue/versions/<int:pk>/<slug:step>/",
        workbench.move_version,
        name="move_version",
    ),
]
