from django.urls import path

from tongban.licences import views

app_name = "licences"
urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("verify/", views.verify, name="verify"),
    path("issued/", views.issued, name="issued"),
    path("issued/<int:pk>/status/", views.issued_status, name="issued_status"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/present/", views.present, name="present"),
    path("<int:pk>/print/", views.printable, name="print"),
]
