"""The platform's URL map. Each app contributes its own `urls.py`."""

from django.contrib import admin
from django.urls import include, path

from tongban.config.api import api
from tongban.config.govstack_registration import api as govstack_registration
from tongban.core import views as core_views
from tongban.exchange.govstack import registries_api
from tongban.identity import views as identity_views
from tongban.portal import views as portal_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", identity_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("licences/", include("tongban.licences.urls")),
    path("instant/", include("tongban.instant.urls")),
    path("", include("tongban.identity.oauth_urls")),
    path("", include("tongban.identity.urls")),
    path("govstack/registration/", govstack_registration.urls),
    path("", include("tongban.catalog.urls")),
    path("ledger/", include("tongban.ledger.urls")),
    path("govstack/registries/", registries_api.urls),
    path("", include("tongban.exchange.urls")),
    path("", include("tongban.intake.urls")),
    path("", include("tongban.portal.urls")),
]

handler403 = portal_views.permission_denied
handler404 = portal_views.page_not_found
handler500 = portal_views.server_error
