"""Is this licence genuine, who issued it, is it valid, and what did the holder show?

Two inputs: an identifier (from a printed licence: genuine, issuer, status, no holder data) or
a wallet presentation (an SD-JWT VC with key binding: the same, plus the claims the holder
chose to disclose). Every failure is an answer with a reason code, never an exception."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.core import crypto
from tongban.core.events import record_event
from tongban.licences import identifiers, sdjwt, signing
from tongban.licences.models import DepartmentKey, Licence, LicenceType, PresentationUse
from tongban.licences.services import issuer_name

LEEWAY_SECONDS = 30
KID = re.compile(r"^[0-9a-f]{32}$")
ANONYMOUS = "anonymous:verifier"

REASONS = {
    "genuine": gettext_lazy("The licence is genuine: its issuing department signed it."),
    "identifier_malformed": gettext_lazy("This is not an e-licence identifier."),
    "identifier_check": gettext_lazy(
        "The identifier's check character is wrong: it was mistyped or altered."
    ),
    "unknown_licence": gettext_lazy("No licence with this identifier was issued here."),
    "bad_signature": gettext_lazy(
        "The signature does not match: the licence was forged or altered."
    ),
    "altered": gettext_lazy("The licence record disagrees with what was signed: it was altered."),
    "foreign_key": gettext_lazy(
        "It was signed with a key that does not belong to the department named as issuer."
    ),
    "not_issuer": gettext_lazy("The signing department does not issue this kind of licence."),
    "unknown_key": gettext_lazy("It was signed with a key this platform does not know."),
    "malformed": gettext_lazy("This is not a licence presentation the platform can read."),
    "altered_disclosure": gettext_lazy(
        "A disclosed detail was not signed by the issuer: it was altered or added."
    ),
    "missing_key_binding": gettext_lazy(
        "The presentation lacks the holder's confirmation (key binding)."
    ),
    "bad_key_binding": gettext_lazy(
        "The holder's confirmation (key binding) does not verify: it was not made by the holder."
    ),
    "holder_key": gettext_lazy("The holder's key in the licence cannot be read."),
    "wrong_audience": gettext_lazy("The presentation was made for another verifier."),
    "expired_presentation": gettext_lazy(
        "The presentation has expired: ask the holder to show a fresh code."
    ),
    "replayed": gettext_lazy(
        "This presentation was already used once: ask the holder to show a fresh code."
    ),
}
CLAIM_LABELS = {
    "licence_id": gettext_lazy("Licence identifier"),
    "holder_name": gettext_lazy("Holder's name"),
    "holder_id": gettext_lazy("Holder's ID number or credit code"),
}


@dataclass
class Verdict:
    """The verifier's answer. `genuine` says the issuing department signed what was shown;
    `status` (valid / expired / suspended / revoked) whether it is in force."""

    genuine: bool
    reason: str
    status: str = ""
    licence_type: str = ""
    licence_type_code: str = ""
    issuer: str = ""
    issuer_code: str = ""
    identifier: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    disclosed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])

    @property
    def accepted(self) -> bool:
        return self.genuine and self.status == "valid"


def _from_licence(licence: Licence, *, reason: str = "genuine", **extra) -> Verdict:
    return Verdict(
        genuine=reason == "genuine",
        reason=reason,
        status=licence.effective_status() if reason == "genuine" else "",
        licence_type=licence.licence_type.name,
        licence_type_code=licence.licence_type.code,
        issuer=licence.issuer.name,
        issuer_code=licence.issuer.credit_code,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        **extra,
    )


def verify_identifier(text: str) -> Verdict:
    """Check a licence by its identifier: its form and check character, that it was issued
    here, that the stored content still carries its department's signature, and its status.
    Discloses no holder data."""
    try:
        identifier = str(identifiers.parse(text))
    except identifiers.InvalidIdentifier as error:
        return Verdict(genuine=False, reason=error.code)
    licence = (
        Licence.objects.select_related("licence_type", "issuer", "signing_key")
        .filter(identifier=identifier)
        .first()
    )
    if licence is None:
        return Verdict(genuine=False, reason="unknown_licence", identifier=identifier)
    problem = signing.signature_problem(licence)
    return _from_licence(licence, reason=problem or "genuine", identifier=identifier)


def claim_label(licence_type: LicenceType, path: str) -> str:
    """What a claim is called on screen: a field's title, or the platform's own claims."""
    if path.startswith("age_equal_or_over."):
        return _("Aged %(age)s or over") % {"age": path.split(".", 1)[1]}
    return str(CLAIM_LABELS.get(path) or licence_type.field_titles().get(path, path))


def _labelled(licence_type: LicenceType, claims: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    for path, value in claims.items():
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        shown.append({"claim": path, "label": claim_label(licence_type, path), "value": value})
    return shown


def _rejected(error: sdjwt.PresentationRejected, **known) -> Verdict:
    return Verdict(genuine=False, reason=error.code, **known)


def verify_presentation(
    text: str, *, audience: str, now: datetime.datetime | None = None
) -> Verdict:
    """Check a wallet presentation end to end, then mark its nonce used (so it verifies once).

    The issuer JWT must be signed by a key of the department named in `iss`, which must issue
    the licence type; every disclosure must match a signed digest; the key-binding JWT must be
    signed by the holder key in `cnf`, cover these disclosures, name `audience` and be fresh."""
    moment = int((now or timezone.now()).timestamp())
    try:
        parsed = sdjwt.split(text)
        header, payload = parsed.issuer_jwt.header, parsed.issuer_jwt.payload
        if header.get("typ") != sdjwt.ISSUER_TYP:
            raise sdjwt.PresentationRejected("malformed", "typ is not dc+sd-jwt")
        kid = header.get("kid")
        key = (
            DepartmentKey.objects.select_related("department").filter(kid=kid).first()
            if isinstance(kid, str) and KID.match(kid)
            else None
        )
        if key is None:
            raise sdjwt.PresentationRejected("unknown_key")
        if not parsed.issuer_jwt.verify(key.algorithm, key.public_bytes):
            raise sdjwt.PresentationRejected("bad_signature")
        if payload.get("iss") != issuer_name(key.department):
            raise sdjwt.PresentationRejected("foreign_key")
        licence_type = LicenceType.objects.filter(
            code=str(payload.get("vct", "")).removeprefix("urn:tongban:licence:")
        ).first()
        if (
            licence_type is None
            or not licence_type.issuing_departments.filter(pk=key.department_id).exists()
        ):
            raise sdjwt.PresentationRejected("not_issuer")
        claims = sdjwt.disclosed_claims(parsed)
        nonce = sdjwt.check_key_binding(
            parsed,
            audience=audience,
            now=moment,
            max_age=settings.TONGBAN_LICENCE_PRESENTATION_SECONDS,
            leeway=LEEWAY_SECONDS,
        )
        index = payload.get("status", {}).get("status_list", {}).get("idx")
        licence = (
            Licence.objects.select_related("licence_type", "issuer")
            .filter(issuer=key.department, status_index=index, licence_type=licence_type)
            .first()
            if isinstance(index, int)
            else None
        )
        if licence is None:
            raise sdjwt.PresentationRejected("unknown_licence")
    except sdjwt.PresentationRejected as error:
        return _rejected(error)
    if not _record_use(licence, nonce=nonce, audience=audience, claims=list(claims)):
        return _from_licence(licence, reason="replayed")
    verdict = _from_licence(
        licence,
        identifier=claims.get("licence_id", ""),
        disclosed=_labelled(licence_type, claims),
    )
    if isinstance(payload.get("exp"), int) and payload["exp"] < moment:
        verdict.status = verdict.status if verdict.status != "valid" else "expired"
    return verdict


def _record_use(licence: Licence, *, nonce: str, audience: str, claims: list[str]) -> bool:
    """Mark the nonce used; False when it already was (a replay)."""
    nonce_hash = crypto.suite().hash(f"licences.presentation\x00{nonce}".encode()).hex()
    try:
        with transaction.atomic():
            use = PresentationUse.objects.create(
                licence=licence, nonce_hash=nonce_hash, audience=audience[:200], disclosed=claims
            )
            record_event(
                "licence.presented",
                subject=licence,
                payload={"presentation": use.pk, "claims": sorted(claims)},
                actor=ANONYMOUS,
            )
    except IntegrityError:
        return False
    return True
