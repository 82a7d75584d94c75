from django.urls import path
from django.views.decorators.http import require_safe

from tongban.identity import views

app_name = "identity"
urlpatterns = [
    path("account/login/", views.sign_in, name="login"),
    path("account/login/verify/", views.verify, name="verify"),
    path("account/logout/", views.sign_out, name="logout"),
    path("account/register/", views.register, name="register"),
    path("me/", views.home, name="home"),
    path("me/security/", views.security, name="security"),
    path("me/security/mfa/", views.mfa, name="mfa"),
    path("me/security/mfa/remove/", views.mfa_remove, name="mfa_remove"),
    path("me/sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("me/sessions/end-all/", views.end_all_sessions, name="end_all_sessions"),
    path("me/applications/", views.applications, name="applications"),
    path("me/applications/<int:pk>/revoke/", views.revoke_consent, name="revoke_consent"),
    path("me/acting-for/", require_safe(views.acting_for), name="acting_for"),
    path("me/businesses/<int:pk>/agents/", views.authorize_agent, name="authorize_agent"),
    path("me/agents/<int:pk>/revoke/", views.revoke_agent, name="revoke_agent"),
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/identity/", views.verify_identity, name="verify_identity"),
]
