"""The consent screen of the OpenID Connect provider (授权确认).

django-oauth-toolkit validates the request (client, redirect URI, PKCE); Tongban decides what
the person agrees to: the ID number (`tongban.identity`) is released only when its own box is
ticked, and an earlier consent covering the request skips the screen."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView

from tongban.identity import services
from tongban.identity.models import Consent

ID_NUMBER_SCOPE = "tongban.identity"
SCOPE_LABELS = {
    "openid": _("Sign you in with your Tongban account"),
    "profile": _("Your name and assurance level"),
    "phone": _("Your mobile phone number"),
    "email": _("Your email address"),
    "tongban.business": _("The businesses you may act for"),
}


@method_decorator(never_cache, name="dispatch")
class ConsentView(AuthorizationView):
    template_name = "identity/consent.html"

    def get(self, request, *args, **kwargs):
        prompt = set(request.GET.get("prompt", "").split())
        if request.user.is_authenticated and not prompt & {"consent", "login", "create"}:
            try:
                scopes, credentials = self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                return self.error_response(error, application=None)
            application = get_application_model().objects.get(client_id=credentials["client_id"])
            consent = Consent.objects.filter(account=request.user, application=application).first()
            if consent is not None and consent.covers(scopes):
                try:
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request,
                        scopes=" ".join(scopes),
                        credentials=credentials,
                        allow=True,
                    )
                except OAuthToolkitError as error:
                    return self.error_response(error, application)
                return self.redirect(uri, application)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = context.get("scopes") or []
        context["asks_id_number"] = ID_NUMBER_SCOPE in scopes
        context["scope_items"] = [
            SCOPE_LABELS.get(scope, scope) for scope in scopes if scope != ID_NUMBER_SCOPE
        ]
        return context

    def form_valid(self, form):
        """Drop the ID-number scope unless its box was ticked; remember what was allowed."""
        scopes = form.cleaned_data.get("scope", "").split()
        if ID_NUMBER_SCOPE in scopes and self.request.POST.get("share_id_number") != "yes":
            scopes.remove(ID_NUMBER_SCOPE)
        form.cleaned_data["scope"] = " ".join(scopes)
        if form.cleaned_data.get("allow"):
            application = (
                get_application_model()
                .objects.filter(client_id=form.cleaned_data.get("client_id"))
                .first()
            )
            if application is not None:
                services.grant_consent(
                    account=self.request.user, application=application, scopes=scopes
                )
        return super().form_valid(form)
