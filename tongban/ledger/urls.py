from django.urls import path

from tongban.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("keys", views.keys, name="keys"),
    path("verify/<int:index>/", views.verify, name="verify"),
]
