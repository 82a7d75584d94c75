"""Identity: sign-in, the personal centre, acting for others, the OIDC provider, its API."""

from tests.security.matrix import EVERYONE, NOBODY, OFFICIALS, SIGNED_IN, row


def applicant_session(world):
    """The applicant's session on another device (ending the current one signs out)."""
    return {"pk": world.other_session.pk}


def applicant_session_id(world):
    return {"session_id": world.other_session.pk}


ROWS = [
    row(
        "^\\.well-known/openid-configuration$",
        "GET",
        EVERYONE,
        url="/.well-known/openid-configuration",
    ),
    row(".well-known/jwks.json", "GET", EVERYONE),
    row("oauth/authorize/", "GET POST", SIGNED_IN, note="anonymous: sent to sign in"),
    row(
        "oauth/token/",
        "POST",
        EVERYONE,
        note="answers everyone (400 without a grant); only client credentials get a token",
    ),
    row("oauth/revoke_token/", "POST", EVERYONE, note="as the token endpoint"),
    row("oauth/introspect/", "GET POST", NOBODY, note="a resource server's token only"),
    row("oauth/userinfo/", "GET POST", NOBODY, note="an access token only, never a session"),
    row("oauth/logout/", "GET POST", EVERYONE),
    row("account/login/", "GET POST", EVERYONE),
    row("account/login/verify/", "GET POST", NOBODY, note="only after a password step"),
    row("account/logout/", "POST", EVERYONE),
    row("account/register/", "GET POST", EVERYONE),
    row("me/", "GET", SIGNED_IN),
    row("me/security/", "GET POST", SIGNED_IN),
    row("me/security/mfa/", "GET POST", SIGNED_IN),
    row("me/security/mfa/remove/", "POST", SIGNED_IN),
    row("me/sessions/<int:pk>/end/", "POST", {"applicant"}, kwargs=applicant_session),
    row("me/sessions/end-all/", "POST", SIGNED_IN, signs_out=True),
    row("me/applications/", "GET", SIGNED_IN),
    row(
        "me/applications/<int:pk>/revoke/",
        "POST",
        {"applicant"},
        kwargs=lambda w: {"pk": w.consent.pk},
    ),
    row("me/acting-for/", "GET", SIGNED_IN, note="officials see an empty page"),
    row(
        "me/businesses/<int:pk>/agents/",
        "POST",
        NOBODY,
        kwargs=lambda w: {"pk": w.business.pk},
        note="the legal representative only (not an actor here); agents may not add agents",
    ),
    row(
        "me/agents/<int:pk>/revoke/",
        "POST",
        NOBODY,
        kwargs=lambda w: {"pk": w.agent_authorization.pk},
        note="the legal representative only",
    ),
    row("workbench/", "GET", OFFICIALS),
    # API (session)
    row("api/v1/identity/me", "GET", SIGNED_IN),
    row("api/v1/identity/me/sessions", "GET", SIGNED_IN),
    row(
        "api/v1/identity/sessions/<session_id>/end",
        "POST",
        {"applicant"},
        kwargs=applicant_session_id,
        json=True,
    ),
    row(
        "api/v1/identity/people/<person_id>",
        "GET",
        {"applicant", "operator"},
        kwargs=lambda w: {"person_id": w.applicant.person.pk},
    ),
    row(
        "api/v1/identity/officials/<official_id>",
        "GET",
        {"official", "data_admin", "operator"},
        kwargs=lambda w: {"official_id": w.official_record.pk},
    ),
]
