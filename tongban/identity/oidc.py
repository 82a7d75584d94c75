"""The OpenID Connect provider's rules on top of django-oauth-toolkit: pairwise subjects,
Tongban's claims per scope, and user scopes kept away from client-credentials tokens."""

from django.db.models import Model
from jwcrypto import jwk
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from tongban.identity import selectors
from tongban.identity.models import Person
from tongban.identity.settings import USER_SCOPES

# Claims that stay out of the id_token (it travels through the browser and is kept in logs
# by many relying parties): the client reads them from userinfo with its access token.
USERINFO_ONLY = {
    "phone_number",
    "phone_number_verified",
    "email",
    "email_verified",
    "tongban_id_number",
    "tongban_businesses",
}


def _person(account) -> Person | None:
    return getattr(account, "person", None) if account.kind == "person" else None


class TongbanValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "tongban_assurance": "profile",
        "tongban_id_number": "tongban.identity",
        "tongban_businesses": "tongban.business",
    }

    def get_claim_dict(self, request):
        account = request.user
        claims = {"sub": selectors.pairwise_subject(account=account, application=request.client)}
        return {**claims, **self.get_additional_claims(request)}

    def get_additional_claims(self, request):
        account = request.user
        person = _person(account)
        claims = {"name": person.real_name if person else account.display_name}
        if person is None:
            return claims
        claims |= {
            "tongban_assurance": f"L{person.assurance}",
            "phone_number": f"+86{person.phone}" if person.phone else "",
            "phone_number_verified": False,
            "email": person.email,
            "email_verified": False,
            "tongban_id_number": person.id_number,
            "tongban_businesses": [
                _business_claim(relation)
                for relation in selectors.relations_of(person=person)
                if relation.relation in ("legal_representative", "agent")
            ],
        }
        return claims

    def get_discovery_claims(self, request):
        return sorted(self.oidc_claim_scope)

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        return {k: v for k, v in claims.items() if k not in USERINFO_ONLY}, expiration

    def _get_key_for_token(self, token):
        """The keys an id_token we issued may be checked with (RP-initiated logout reads
        `id_token_hint` through this): for RS256 every published key, the active one and those
        rotated out, so a token signed before a rotation still identifies its session until it
        expires — as relying parties verify it against the JWKS."""
        key = super()._get_key_for_token(token)
        if key is None or key.get("kty") != "RSA":
            return key
        keys = jwk.JWKSet()
        for pem in (
            oauth2_settings.OIDC_RSA_PRIVATE_KEY,
            *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
        ):
            key = jwk_from_pem(pem)
            keys.add(jwk.JWK(**{"kid": key.thumbprint(), **key.export_public(as_dict=True)}))
        return keys

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """A client-credentials token acts for a system, never for a person: it may not
        carry the scopes that read a person's data."""
        if request.grant_type == "client_credentials" and set(scopes) & set(USER_SCOPES):
            return False
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        if request.grant_type == "client_credentials":
            return []
        return super().get_default_scopes(client_id, request, *args, **kwargs)


def _business_claim(relation) -> dict:
    business: Model = relation.party
    return {
        "credit_code": business.credit_code,
        "name": business.name,
        "relation": relation.relation,
        "scopes": sorted(relation.scopes),
        "valid_until": str(relation.valid_until) if relation.valid_until else None,
    }
