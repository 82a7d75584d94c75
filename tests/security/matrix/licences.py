"""E-licences: the holder's wallet, the issuing department's pages, public verification."""

from tests.security.matrix import EVERYONE, NOBODY, OFFICIALS, SIGNED_IN, row

PERSON = "人力资源和社会保障局"  # issued the applicant's social security card
MARKET = "市场监督管理局"  # issued the business's licence


def person_licence(w):
    return {"pk": w.person_licence.pk}


def business_licence(w):
    return {"pk": w.business_licence.pk}


ROWS = [
    row("licences/", "GET", SIGNED_IN),
    row("licences/verify/", "GET POST", EVERYONE),
    row("licences/issued/", "GET", OFFICIALS),
    row(
        "licences/issued/<int:pk>/status/",
        "POST",
        {"official"},
        department=PERSON,
        kwargs=person_licence,
        data=lambda w: {"action": "suspend", "reason": "matrix"},
    ),
    row("licences/<int:pk>/", "GET", {"applicant"}, department=PERSON, kwargs=person_licence),
    row(
        "licences/<int:pk>/",
        "GET",
        NOBODY,
        department=MARKET,
        kwargs=business_licence,
        note="the legal representative only, not even an agent with the licences scope "
        "(licences/policies.py; see docs/security.md, gaps)",
    ),
    row(
        "licences/<int:pk>/present/",
        "POST",
        {"applicant"},
        department=PERSON,
        kwargs=person_licence,
    ),
    row("licences/<int:pk>/print/", "GET", {"applicant"}, department=PERSON, kwargs=person_licence),
    # API
    row("api/v1/licences/verify", "GET", EVERYONE),
    row(
        "api/v1/licences/status-lists/<credit_code>",
        "GET",
        EVERYONE,
        kwargs=lambda w: {"credit_code": w.person_licence.issuer.credit_code},
    ),
    row("api/v1/licences/mine", "GET", SIGNED_IN),
    row(
        "api/v1/licences/<int:licence_id>/presentations",
        "POST",
        {"applicant"},
        json=True,
        department=PERSON,
        kwargs=lambda w: {"licence_id": w.person_licence.pk},
        data=lambda w: {"reveal": ["name"]},
    ),
    row(
        "api/v1/licences/<int:licence_id>/credential",
        "POST",
        {"applicant"},
        json=True,
        department=PERSON,
        kwargs=lambda w: {"licence_id": w.person_licence.pk},
        data=lambda w: {"holder_jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
    ),
    row(
        "api/v1/licences/<int:licence_id>/<action>",
        "POST",
        {"official"},
        json=True,
        department=PERSON,
        kwargs=lambda w: {"licence_id": w.person_licence.pk, "action": "suspend"},
        data=lambda w: {"reason": "matrix"},
    ),
]
