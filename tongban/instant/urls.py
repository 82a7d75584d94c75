from django.urls import path

from tongban.instant import views

app_name = "instant"
urlpatterns = [
    path("evaluations/<uuid:public_id>/", views.evaluation, name="evaluation"),
    path("evaluations/<uuid:public_id>/review/", views.request_review, name="request_review"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<uuid:public_id>/", views.decision, name="decision"),
    path("decisions/<uuid:public_id>/simulate/", views.simulate, name="simulate"),
    path("decisions/<uuid:public_id>/activate/", views.activate, name="activate"),
]
