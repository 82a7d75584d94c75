from django.urls import path

from tongban.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("personal/", views.personal_services, name="personal"),
    path("business/", views.business_services, name="business"),
    path("departments/", views.departments, name="departments"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
