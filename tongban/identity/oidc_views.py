"""Tongban's versions of three OpenID Connect provider views.

- The consent screen (授权确认): django-oauth-toolkit validates the request (client, redirect
  URI, PKCE); Tongban decides what the person agrees to: the ID number (`tongban.identity`)
  is released only when its own box is ticked, and an earlier consent covering the request
  skips the screen.
- Discovery names RS256 as the only id_token signing algorithm.
- Token introspection answers a client about its own tokens only."""

import calendar
import hashlib
import json

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import AccessToken, Application, get_application_model
from oauth2_provider.views import (
    AuthorizationView,
    ConnectDiscoveryInfoView,
    IntrospectTokenView,
)
from oauthlib.common import Request as OauthlibRequest

from tongban.identity import selectors, services
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


class DiscoveryView(ConnectDiscoveryInfoView):
    """The discovery document, with RS256 as the only id_token signing algorithm.

    django-oauth-toolkit also lists HS256 (an id_token keyed with the client secret), which
    Tongban never issues: its clients are created with RS256 and the admin offers nothing else.
    A relying party should not be invited to accept HMAC-signed tokens."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        document = json.loads(response.content)
        document["id_token_signing_alg_values_supported"] = [Application.RS256_ALGORITHM]
        answer = JsonResponse(document)
        answer["Access-Control-Allow-Origin"] = response["Access-Control-Allow-Origin"]
        return answer


INACTIVE = {"active": False}


class IntrospectView(IntrospectTokenView):
    """Token introspection (RFC 7662) for the client a token was issued to, and no other.

    django-oauth-toolkit answers any authenticated client about any token, with the account's
    login: a client could learn that a token it was handed belongs to another system, and
    correlate people across clients despite pairwise subjects. Here a token of another client
    is `{"active": false}` (as an unknown one), the subject is the asking client's pairwise
    `sub`, and the token travels in a POST body only (RFC 7662 §2.1), never in a URL."""

    http_method_names = ["post", "options"]

    def authenticate_client(self, request):
        core = self.get_oauthlib_core()
        uri, http_method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, http_method, body, headers)
        valid = core.server.request_validator.authenticate_client(oauth_request)
        request.introspecting_client = oauth_request.client if valid else None
        return valid

    def verify_request(self, request):
        valid, oauth_request = super().verify_request(request)
        request.introspecting_client = oauth_request.client if valid else None
        return valid, oauth_request

    def post(self, request, *args, **kwargs):
        value = request.POST.get("token")
        if not value:
            return super().get_token_response(None)  # the library's 400 answer
        checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
        token = (
            AccessToken.objects.select_related("user", "application")
            .filter(token_checksum=checksum)
            .first()
        )
        client = getattr(request, "introspecting_client", None)
        if token is None or client is None or token.application_id != client.pk:
            return JsonResponse(INACTIVE)
        if not token.is_valid():
            return JsonResponse(INACTIVE)
        answer = {
            "active": True,
            "scope": token.scope,
            "client_id": client.client_id,
            "token_type": "Bearer",  # nosec B105  # the token type name (RFC 6750), not a secret
            "exp": int(calendar.timegm(token.expires.timetuple())),
        }
        if token.user is not None:
            answer["sub"] = selectors.pairwise_subject(account=token.user, application=client)
        return JsonResponse(answer)
