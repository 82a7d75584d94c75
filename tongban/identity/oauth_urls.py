"""The OpenID Connect provider's endpoints (django-oauth-toolkit's views, namespace
`oauth2_provider`): discovery and JWKS at the site root, so the issuer is the site itself;
the rest under /oauth/. No self-service client registration: operators register clients."""

from django.urls import path, re_path
from oauth2_provider import views

from tongban.identity.oidc_views import ConsentView, DiscoveryView, IntrospectView

app_name = "oauth2_provider"
# The authorization and logout endpoints answer GET and POST only (RFC 6749 §3.1, OIDC
# RP-initiated logout); django-oauth-toolkit's views would otherwise treat PUT like GET.
PAGE_METHODS = ["get", "post", "head", "options"]
urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration$",
        DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    path("oauth/authorize/", ConsentView.as_view(http_method_names=PAGE_METHODS), name="authorize"),
    path("oauth/token/", views.TokenView.as_view(), name="token"),
    path("oauth/revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth/introspect/", IntrospectView.as_view(), name="introspect"),
    path("oauth/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path(
        "oauth/logout/",
        views.RPInitiatedLogoutView.as_view(http_method_names=PAGE_METHODS),
        name="rp-initiated-logout",
    ),
]
