from django.urls import path

from tongban.exchange import views

app_name = "exchange"
urlpatterns = [
    path("me/data-usage/", views.data_usage, name="data_usage"),
    path("me/data-usage/<int:access_id>/dispute/", views.dispute, name="dispute"),
    path("me/verify-real-name/", views.verify_real_name, name="verify_real_name"),
    path("exchange/catalogue/", views.catalogue, name="catalogue"),
    path("exchange/catalogue/<path:code>/", views.resource_detail, name="resource"),
    path("exchange/grants/", views.grants, name="grants"),
    path("exchange/grants/<int:grant_id>/", views.grant_detail, name="grant"),
    path("exchange/quality/", views.quality_overview, name="quality"),
    path("exchange/quality/<slug:code>/", views.quality_issues, name="quality_issues"),
    path("exchange/quality/<slug:code>/run/", views.run_quality, name="run_quality"),
    path("exchange/corrections/", views.corrections, name="corrections"),
    path(
        "exchange/corrections/<int:correction_id>/resolve/",
        views.resolve_correction,
        name="resolve_correction",
    ),
]
