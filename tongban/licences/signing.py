"""The signed form of a licence: canonical JSON, signed by the issuing department's key.

Canonical JSON here is UTF-8, keys sorted, no insignificant white space, non-ASCII kept as is
(the JSON Canonicalization Scheme, RFC 8785, for documents of strings, integers, booleans and
nulls — licences carry no floating-point numbers). The stored content is exactly the signed
bytes, so verifying needs no re-serialization."""

import datetime

from tongban.core import crypto
from tongban.licences.models import DepartmentKey, Licence
from tongban.licences.sdjwt import json_bytes


def canonical(document: dict) -> str:
    return json_bytes(document).decode()


def licence_document(
    *,
    identifier: str,
    licence_type,
    issuer,
    holder: dict[str, str],
    fields: dict,
    issued_at: datetime.datetime,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
) -> dict:
    return {
        "identifier": identifier,
        "type": {"code": licence_type.type_code, "name": licence_type.name},
        "issuer": {"code": issuer.credit_code, "name": issuer.name},
        "holder": holder,
        "fields": fields,
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
    }


def sign_document(content: str, key: DepartmentKey) -> str:
    return crypto.b64encode(crypto.sign(key.key_pair(), content.encode()))


def signature_problem(licence: Licence) -> str | None:
    """Why the stored licence is not what its department signed, or None when it is.

    `foreign_key`: signed with a key of another department; `bad_signature`: the content or
    the signature was altered; `altered`: a column disagrees with the signed content."""
    key = licence.signing_key
    if key.department_id != licence.issuer_id:
        return "foreign_key"
    try:
        signature = crypto.b64decode(licence.signature)
    except ValueError:
        return "bad_signature"
    if not crypto.verify(key.algorithm, key.public_bytes, licence.content.encode(), signature):
        return "bad_signature"
    document = licence.document
    expected = (
        licence.identifier,
        licence.issuer.credit_code,
        licence.licence_type.type_code,
        licence.valid_from.isoformat(),
        licence.valid_until.isoformat() if licence.valid_until else None,
    )
    found = (
        document.get("identifier"),
        document.get("issuer", {}).get("code"),
        document.get("type", {}).get("code"),
        document.get("valid_from"),
        document.get("valid_until"),
    )
    return None if found == expected else "altered"
