from django.urls import path

from tongban.catalog import views

app_name = "catalog"
urlpatterns = [
    path("services/", views.browse, name="browse"),
    path("services/<uuid:service_id>/", views.guide, name="guide"),
    path("services/<uuid:service_id>/print/", views.guide_print, name="guide_print"),
    path("life-events/", views.life_events, name="life_events"),
    path("life-events/<slug:code>/", views.life_event, name="life_event"),
]
