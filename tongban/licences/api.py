"""/api/v1/licences/: verify (public), status lists (public, cacheable), the holder's wallet,
and status changes by the issuing department."""

import datetime
import hashlib
import re
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictStr

from tongban.core.api import BodyIn, error, errors
from tongban.core.models import Department
from tongban.identity.predicates import person_of
from tongban.licences import selectors, services, statuslist, verification
from tongban.licences.models import Licence

router = Router(tags=["licences"])
CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")


class DisclosedOut(Schema):
    claim: str
    label: str
    value: Any


class VerificationOut(Schema):
    """The answer to "is this licence genuine?". `reason` is a stable code (`genuine`,
    `identifier_check`, `bad_signature`, `replayed`, ...) and `message` says it in words."""

    genuine: bool
    accepted: bool
    reason: str
    message: str
    status: str
    licence_type: str
    licence_type_code: str
    issuer: str
    issuer_code: str
    identifier: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    disclosed: list[DisclosedOut]


class VerifyQuery(Schema):
    identifier: str | None = Field(None, max_length=200)
    presentation: str | None = Field(None, max_length=16000)


def _verdict_out(verdict: verification.Verdict) -> dict:
    return {**verdict.__dict__, "message": verdict.message, "accepted": verdict.accepted}


@router.get(
    "/verify",
    auth=None,
    response={200: VerificationOut, **errors()},
    summary="Verify a licence by identifier or a wallet presentation (QR payload)",
)
def verify(request: HttpRequest, query: Query[VerifyQuery]):
    """Give exactly one of `identifier` or `presentation`. A presentation is accepted once."""
    if bool(query.identifier) == bool(query.presentation):
        message = _("Give either an identifier or a presentation.")
        return Status(422, error("invalid", message, {"identifier": [message]}))
    if query.identifier:
        return _verdict_out(verification.verify_identifier(query.identifier))
    return _verdict_out(
        verification.verify_presentation(query.presentation, audience=services.verifier_audience())
    )


class StatusListOut(Schema):
    """A Token Status List: 2 bits per licence (0 valid, 1 revoked, 2 suspended), DEFLATE
    compressed and base64url-encoded in `lst`; `token` is the same list signed by the
    department as a `statuslist+jwt`."""

    uri: str
    bits: int
    lst: str
    ttl: int
    token: str


@router.get(
    "/status-lists/{credit_code}",
    auth=None,
    url_name="licence_status_list",
    response={200: StatusListOut, 304: None, **errors(404)},
    summary="An issuing department's status list (cacheable)",
)
def status_list(request: HttpRequest, response: HttpResponse, credit_code: str):
    if not CREDIT_CODE.match(credit_code):
        raise Http404
    issuer = get_object_or_404(Department, credit_code=credit_code)
    key = selectors.list_signing_key(issuer=issuer)
    if key is None:  # issues no licences: nothing to list
        raise Http404
    lst = selectors.status_list_of(issuer=issuer)
    etag = '"' + hashlib.sha256(lst.encode()).hexdigest()[:32] + '"'
    response["Cache-Control"] = f"public, max-age={services.STATUS_LIST_TTL}"
    response["ETag"] = etag
    if request.headers.get("If-None-Match") == etag:
        return Status(304, None)
    return {
        "uri": services.status_list_uri(issuer),
        "bits": statuslist.BITS,
        "lst": lst,
        "ttl": services.STATUS_LIST_TTL,
        "token": services.status_list_token(issuer=issuer, key=key),
    }


class LicenceOut(Schema):
    id: int
    identifier: str
    licence_type: str
    licence_type_name: str
    issuer: str
    status: str
    valid_from: datetime.date
    valid_until: datetime.date | None

    @staticmethod
    def resolve_licence_type(obj: Licence) -> str:
        return obj.licence_type.code

    @staticmethod
    def resolve_licence_type_name(obj: Licence) -> str:
        return obj.licence_type.name

    @staticmethod
    def resolve_issuer(obj: Licence) -> str:
        return obj.issuer.name

    @staticmethod
    def resolve_status(obj: Licence) -> str:
        return obj.effective_status()


def _own_licence(request: HttpRequest, licence_id: int) -> Licence:
    person = person_of(request.user)
    licence = person and selectors.licence_in_wallet(person=person, pk=licence_id)
    if not licence:
        raise Licence.DoesNotExist
    return licence


@router.get("/mine", response={200: list[LicenceOut], **errors(401)}, summary="My licences")
def mine(request: HttpRequest):
    person = person_of(request.user)
    return list(selectors.wallet_of(person=person)) if person else []


class PresentationIn(BodyIn):
    reveal: list[StrictStr] = Field(min_length=1, max_length=50)


class PresentationOut(Schema):
    presentation: str
    expires_at: datetime.datetime


@router.post(
    "/{int:licence_id}/presentations",
    response={201: PresentationOut, **errors(401, 403, 404)},
    summary="Present a licence, showing only the chosen claims",
)
def present(request: HttpRequest, licence_id: int, body: PresentationIn):
    licence = _own_licence(request, licence_id)
    text = services.create_presentation(licence=licence, reveal=body.reveal, actor=request.user)
    issued = datetime.datetime.fromtimestamp(
        services.sdjwt.split(text).key_binding.payload["iat"], tz=datetime.UTC
    )
    seconds = services.settings.TONGBAN_LICENCE_PRESENTATION_SECONDS
    expires_at = issued + datetime.timedelta(seconds=seconds)
    return Status(201, {"presentation": text, "expires_at": expires_at})


class CredentialIn(BodyIn):
    holder_jwk: dict[StrictStr, StrictStr]


class CredentialOut(Schema):
    credential: str


@router.post(
    "/{int:licence_id}/credential",
    response={201: CredentialOut, **errors(401, 403, 404)},
    summary="Export the licence as an SD-JWT VC bound to your own wallet key",
)
def export(request: HttpRequest, licence_id: int, body: CredentialIn):
    licence = _own_licence(request, licence_id)
    try:
        credential = services.export_credential(
            licence=licence, holder_jwk=body.holder_jwk, actor=request.user
        )
    except services.sdjwt.PresentationRejected:
        return Status(
            422,
            error(
                "invalid",
                _("The key is not an Ed25519 or SM2 public JWK."),
                {"holder_jwk": [_("The key is not an Ed25519 or SM2 public JWK.")]},
            ),
        )
    return Status(201, {"credential": credential})


class StatusChangeIn(BodyIn):
    reason: StrictStr = Field(min_length=1, max_length=500)


class StatusOut(Schema):
    identifier: str
    status: str
    status_reason: str


@router.post(
    "/{int:licence_id}/{action}",
    response={200: StatusOut, **errors(401, 403, 404, 409)},
    summary="Suspend, revoke or reinstate a licence (its issuing department only)",
)
def change_status(
    request: HttpRequest,
    licence_id: int,
    action: Literal["suspend", "revoke", "reinstate"],
    body: StatusChangeIn,
):
    licence = get_object_or_404(Licence.objects.select_related("licence_type"), pk=licence_id)
    changed = services.change_status(
        licence=licence, action=action, reason=body.reason, actor=request.user
    )
    return {
        "identifier": changed.identifier,
        "status": changed.status,
        "status_reason": changed.status_reason,
    }
