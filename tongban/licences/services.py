"""Writes to e-licences: issue, change status, rotate keys, and the wallet's presentations.

Every write runs in one transaction, checks permission with the rules in `policies.py` and
records its domain event there too. Event payloads carry identifiers, codes and hashes only."""

import datetime
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import crypto
from tongban.core.api import Conflict
from tongban.core.events import Ref, record_event
from tongban.core.identifiers import birth_date
from tongban.core.models import Department
from tongban.core.permissions import require
from tongban.core.services import save_record
from tongban.identity.models import Business, Person
from tongban.licences import identifiers, sdjwt, selectors, sharing, signing, statuslist
from tongban.licences.models import (
    DepartmentKey,
    HolderKind,
    Licence,
    LicenceStatus,
    LicenceType,
    Sequence,
)

MAX_REASON = 500
MAX_CASE_REFERENCE = 100
STATUS_LIST_TTL = 300  # seconds a verifier may cache a status list


def verifier_audience() -> str:
    """The audience the platform's own verifier (page and API) accepts in key binding."""
    return settings.TONGBAN_PUBLIC_URL + reverse("licences:verify")


def status_list_uri(issuer: Department) -> str:
    return settings.TONGBAN_PUBLIC_URL + reverse(
        "api_v1:licence_status_list", kwargs={"credit_code": issuer.credit_code}
    )


def issuer_name(issuer: Department) -> str:
    """The `iss` of a department's credentials."""
    return f"urn:tongban:department:{issuer.credit_code}"


# -- licence types ---------------------------------------------------------------------------


@transaction.atomic
def define_licence_type(
    *,
    code: str,
    name: str,
    defining_department: Department,
    issuing_departments: list[Department],
    holder_kind: str,
    field_schema: dict,
    validity_years: int | None = None,
    age_thresholds: list[int] | None = None,
    layout: str = LicenceType.Layout.CERTIFICATE,
    actor,
) -> tuple[LicenceType, str]:
    """Create or update a licence type; returns it and "created", "updated" or "unchanged".

    A new type gets the next GB/T 36904 type code of its defining department; the type code
    of an existing type never changes (identifiers already carry it)."""
    require(actor, "licences.define_type")
    existing = LicenceType.objects.select_for_update().filter(code=code).first()
    values = {
        "name": name,
        "defining_department": defining_department,
        "holder_kind": holder_kind,
        "field_schema": field_schema,
        "validity_years": validity_years,
        "age_thresholds": age_thresholds or [],
        "layout": layout,
    }
    if existing is None:
        defined = _locked_counter(f"type:{defining_department.pk}")
        values["type_code"] = identifiers.type_code(defining_department.credit_code, _take(defined))
    elif existing.defining_department_id != defining_department.pk:
        raise ValidationError(
            {"defining_department": _("The defining department of a type cannot change.")}
        )
    licence_type, status = save_record(
        LicenceType, lookup={"code": code}, values=values, actor=actor
    )
    wanted = {d.pk for d in issuing_departments}
    if set(licence_type.issuing_departments.values_list("pk", flat=True)) != wanted:
        licence_type.issuing_departments.set(wanted)
        record_event(
            "licences.licencetype.issuers_set",
            subject=licence_type,
            payload={"issuing_departments": sorted(wanted)},
            actor=actor,
        )
        status = "updated" if status == "unchanged" else status
    sharing.offer_for_exchange(licence_type)
    return licence_type, status


# -- keys -------------------------------------------------------------------------------------


def _new_key(department: Department, actor: Ref) -> DepartmentKey:
    active = crypto.suite()
    pair = active.generate_signing_key()
    key = DepartmentKey.objects.create(
        department=department,
        kid=active.hash(pair.public).hex()[:32],
        algorithm=pair.algorithm,
        public_key=crypto.b64encode(pair.public),
        private_key=crypto.b64encode(pair.private),
    )
    record_event(
        "licences.department_key.created",
        subject=key,
        payload={"department": department.pk, "kid": key.kid, "algorithm": key.algorithm},
        actor=actor,
    )
    return key


def active_key(department: Department, *, actor: Ref) -> DepartmentKey:
    """The department's signing key for the configured suite, created on first use.

    Where there is none yet, the department row is locked and the key looked for again, so two
    first issuances create one key. (Signing with a key that a concurrent rotation retires a
    moment later is fine: retired keys keep verifying.)"""
    algorithm = crypto.suite().signature_algorithm
    current = DepartmentKey.objects.filter(
        department=department, algorithm=algorithm, retired_at__isnull=True
    )
    key = current.first()
    if key is not None:
        return key
    Department.objects.select_for_update().filter(pk=department.pk).first()
    return current.first() or _new_key(department, actor)


@transaction.atomic
def rotate_department_key(*, department: Department, actor) -> DepartmentKey:
    """Retire the department's current key and make a new one. Licences signed with the old
    key keep verifying: it is kept (retired) and found by its key id."""
    require(actor, "licences.rotate_key", department)
    Department.objects.select_for_update().filter(pk=department.pk).first()
    retired = DepartmentKey.objects.filter(
        department=department, algorithm=crypto.suite().signature_algorithm, retired_at=None
    ).first()
    if retired:
        retired.retired_at = timezone.now()
        retired.save(update_fields=["retired_at"])
    key = _new_key(department, actor)
    record_event(
        "licences.department_key.rotated",
        subject=key,
        payload={
            "department": department.pk,
            "kid": key.kid,
            "retired": getattr(retired, "kid", ""),
        },
        actor=actor,
    )
    return key


# -- issuance ---------------------------------------------------------------------------------


def _locked_counter(name: str) -> Sequence:
    """A counter, locked until the transaction ends (concurrent issuances wait here)."""
    sequence = Sequence.objects.select_for_update().filter(name=name).first()
    if sequence is None:
        try:
            with transaction.atomic():
                Sequence.objects.create(name=name)
        except IntegrityError:
            pass  # created by a concurrent issuance; lock it below
        sequence = Sequence.objects.select_for_update().get(name=name)
    return sequence


def _take(sequence: Sequence) -> int:
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _counter_step(name: str, step: int) -> int | None:
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + %s WHERE name = %s RETURNING last",  # noqa: S608  # nosec B608  # table name from model metadata; values are parameters
            [step, name],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _next(name: str) -> int:
    """Take the next number of a counter in one statement: UPDATE … RETURNING (SQLite ≥ 3.35,
    PostgreSQL) also locks the row until the transaction ends, so two issuances never get the
    same number and concurrent ones queue here."""
    number = _counter_step(name, 1)
    if number is None:
        _locked_counter(name)  # created on first use
        number = _counter_step(name, 1)
    return number


def _give_back(name: str) -> None:
    """Undo `_next` in the same transaction (the row is still locked by it)."""
    _counter_step(name, -1)


def _holder_part(holder: Person | Business) -> dict[str, str]:
    if isinstance(holder, Person):
        return {"code_type": HolderKind.PERSON, "code": holder.id_number, "name": holder.real_name}
    return {"code_type": HolderKind.BUSINESS, "code": holder.credit_code, "name": holder.name}


def _same_request(existing: Licence, holder: Person | Business, fields: dict, issuer) -> Licence:
    if existing.holder != holder or existing.issuer_id != issuer.pk or existing.fields != fields:
        raise Conflict(
            "licence_case_conflict",
            _("A different licence of this type was already issued for this case."),
        )
    return existing


def _ages(licence_type: LicenceType, holder, on: datetime.date) -> dict[int, bool]:
    if not isinstance(holder, Person) or not licence_type.age_thresholds:
        return {}
    born = birth_date(holder.id_number)
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return {threshold: age >= threshold for threshold in licence_type.age_thresholds}


def _epoch(day: datetime.date, *, end: bool = False) -> int:
    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    return int(timezone.make_aware(moment).timestamp())


def _credential(licence: Licence, key: DepartmentKey, wallet: crypto.KeyPair, ages) -> str:
    document = licence.document
    claims = {
        "iss": issuer_name(licence.issuer),
        "vct": licence.licence_type.vct,
        "iat": int(licence.issued_at.timestamp()),
        "nbf": _epoch(licence.valid_from),
        "status": {
            "status_list": {"idx": licence.status_index, "uri": status_list_uri(licence.issuer)}
        },
    }
    if licence.valid_until:
        claims["exp"] = _epoch(licence.valid_until, end=True)
    disclosable = {
        "licence_id": licence.identifier,
        "holder_name": document["holder"]["name"],
        "holder_id": document["holder"]["code"],
        **document["fields"],
    }
    return sdjwt.issue_credential(
        key=key.key_pair(),
        kid=key.kid,
        claims=claims,
        disclosable=disclosable,
        age_over=ages,
        holder_jwk=sdjwt.public_jwk(wallet.algorithm, wallet.public),
    )


def _wallet_text(pair: crypto.KeyPair) -> str:
    return json.dumps(
        {
            "algorithm": pair.algorithm,
            "private": crypto.b64encode(pair.private),
            "public": crypto.b64encode(pair.public),
        }
    )


def wallet_key(licence: Licence) -> crypto.KeyPair:
    stored = json.loads(licence.wallet_key)
    return crypto.KeyPair(
        stored["algorithm"], crypto.b64decode(stored["private"]), crypto.b64decode(stored["public"])
    )


@transaction.atomic
def issue_licence(
    *,
    licence_type: LicenceType | str,
    issuer: Department,
    holder: Person | Business,
    fields: dict,
    source_case: str,
    actor: Ref,
    valid_from: datetime.date | None = None,
) -> Licence:
    """Issue a licence for an approved case, signed by the issuing department's key.

    Call it in the same transaction as the approval decision, or once from the outbox: the
    pair (licence type, `source_case`) is unique, so a retry returns the licence already
    issued, and a retry with another holder, issuer or fields is refused (409). `fields` must
    match the type's JSON Schema. Besides the signed content, the holder's wallet gets an
    SD-JWT VC bound to a wallet key of its own."""
    if isinstance(licence_type, str):
        licence_type = LicenceType.objects.get(code=licence_type)
    require(actor, "licences.issue", (licence_type, issuer))
    source_case = (source_case or "").strip()
    if not source_case or len(source_case) > MAX_CASE_REFERENCE:
        raise ValidationError({"source_case": _("Name the case (at most 100 characters).")})
    serial_counter = f"serial:{licence_type.pk}:{issuer.pk}"
    serial = _next(serial_counter)  # concurrent issuances of the type and issuer wait here
    existing = Licence.objects.filter(licence_type=licence_type, source_case=source_case).first()
    if existing:
        _give_back(serial_counter)
        return _same_request(existing, holder, fields, issuer)
    expected = Person if licence_type.holder_kind == HolderKind.PERSON else Business
    if not isinstance(holder, expected):
        raise ValidationError(
            {"holder": _("This licence type is issued to another kind of holder.")}
        )
    licence_type.validate_fields(fields)

    key = active_key(issuer, actor=actor)
    issued_at = timezone.now().replace(microsecond=0)
    valid_from = valid_from or timezone.localdate()
    identifier = identifiers.build(
        type_code=licence_type.type_code, issuer_code=issuer.credit_code, serial=serial
    )
    content = signing.canonical(
        signing.licence_document(
            identifier=identifier,
            licence_type=licence_type,
            issuer=issuer,
            holder=_holder_part(holder),
            fields=fields,
            issued_at=issued_at,
            valid_from=valid_from,
            valid_until=licence_type.valid_until(valid_from),
        )
    )
    wallet = crypto.suite().generate_signing_key()
    licence = Licence(
        licence_type=licence_type,
        identifier=identifier,
        issuer=issuer,
        holder_person=holder if isinstance(holder, Person) else None,
        holder_business=holder if isinstance(holder, Business) else None,
        holder_kind=licence_type.holder_kind,
        content=content,
        signature=signing.sign_document(content, key),
        signing_key=key,
        wallet_key=_wallet_text(wallet),
        issued_at=issued_at,
        valid_from=valid_from,
        valid_until=licence_type.valid_until(valid_from),
        status_index=_next(f"status:{issuer.pk}") - 1,
        source_case=source_case,
    )
    licence.credential = _credential(licence, key, wallet, _ages(licence_type, holder, valid_from))
    licence.save()
    licence.issuance_event = record_event(
        "licence.issued",
        subject=licence,
        payload={
            "identifier": identifier,
            "type": licence_type.code,
            "issuer": issuer.pk,
            "source_case": source_case,
            "kid": key.kid,
            "content_hash": crypto.suite().hash(content.encode()).hex(),
        },
        actor=actor,
    )
    licence.save(update_fields=["issuance_event"])
    return licence


# -- status -----------------------------------------------------------------------------------

TRANSITIONS = {
    "suspend": ({LicenceStatus.VALID}, LicenceStatus.SUSPENDED),
    "revoke": ({LicenceStatus.VALID, LicenceStatus.SUSPENDED}, LicenceStatus.REVOKED),
    "reinstate": ({LicenceStatus.SUSPENDED}, LicenceStatus.VALID),
}


@transaction.atomic
def change_status(*, licence: Licence, action: str, reason: str, actor) -> Licence:
    """Suspend, revoke or reinstate a licence, with a reason; only its issuing department.

    Revocation is final. The status list shows the change at once; the licence's signed
    content does not change."""
    allowed_from, target = TRANSITIONS[action]
    require(actor, "licences.change_status", licence)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Give a reason (at most 500 characters).")})
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.status not in allowed_from:
        raise Conflict(
            "illegal_transition",
            _("A %(status)s licence cannot be changed this way.")
            % {"status": licence.get_status_display()},
        )
    previous = licence.status
    licence.status, licence.status_reason = target, reason
    licence.status_changed_at = timezone.now()
    licence.save(update_fields=["status", "status_reason", "status_changed_at"])
    record_event(
        f"licence.{target if action != 'reinstate' else 'reinstated'}",
        subject=licence,
        payload={
            "identifier": licence.identifier,
            "from": previous,
            "to": target,
            "reason_hash": crypto.blind_index("licences.status_reason", reason),
        },
        actor=actor,
    )
    return licence


def suspend_licence(*, licence: Licence, reason: str, actor) -> Licence:
    return change_status(licence=licence, action="suspend", reason=reason, actor=actor)


def revoke_licence(*, licence: Licence, reason: str, actor) -> Licence:
    return change_status(licence=licence, action="revoke", reason=reason, actor=actor)


def reinstate_licence(*, licence: Licence, reason: str, actor) -> Licence:
    return change_status(licence=licence, action="reinstate", reason=reason, actor=actor)


def status_list_token(*, issuer: Department, key: DepartmentKey) -> str:
    """The issuer's status list as a `statuslist+jwt` signed with `key` (one of its keys)."""
    now = int(timezone.now().timestamp())
    payload = {
        "sub": status_list_uri(issuer),
        "iat": now,
        "exp": now + STATUS_LIST_TTL * 2,
        "ttl": STATUS_LIST_TTL,
        "status_list": {"bits": statuslist.BITS, "lst": selectors.status_list_of(issuer=issuer)},
    }
    header = {"typ": statuslist.TYP, "alg": sdjwt.JOSE_ALG[key.algorithm], "kid": key.kid}
    return sdjwt.sign_jwt(header, payload, key.key_pair())


# -- the holder's wallet ----------------------------------------------------------------------


def presentable_claims(licence: Licence) -> list[str]:
    """The claim paths the holder may choose to show, in display order."""
    return list(sdjwt.disclosure_paths(licence.credential))


def create_presentation(
    *, licence: Licence, reveal: list[str], actor, audience: str | None = None
) -> str:
    """A short-lived presentation of the licence showing only `reveal` (claim paths), key-bound
    with the wallet key to `audience` (default: the platform's verifier) and a fresh nonce.

    Changes nothing: the presentation is only signed, and becomes used when verified."""
    require(actor, "licences.present", licence)
    available = presentable_claims(licence)
    unknown = sorted(set(reveal) - set(available))
    if unknown or not reveal:
        raise ValidationError({"reveal": _("Choose at least one of the licence's own claims.")})
    return sdjwt.present(
        licence.credential,
        reveal=set(reveal),
        holder_key=wallet_key(licence),
        audience=audience or verifier_audience(),
        nonce=secrets.token_urlsafe(16),
        issued_at=int(timezone.now().timestamp()),
    )


@transaction.atomic
def export_credential(*, licence: Licence, holder_jwk: dict, actor) -> str:
    """A copy of the licence as an SD-JWT VC bound to a key of the holder's own wallet app,
    signed now by the department's active key; recorded so the holder can see it was made."""
    require(actor, "licences.present", licence)
    algorithm, public = sdjwt.key_from_jwk(holder_jwk)
    key = active_key(licence.issuer, actor=actor)
    ages = _ages(licence.licence_type, licence.holder, licence.valid_from)
    credential = _credential(licence, key, crypto.KeyPair(algorithm, b"", public), ages)
    record_event(
        "licence.credential_exported",
        subject=licence,
        payload={
            "identifier": licence.identifier,
            "kid": key.kid,
            "holder_key_algorithm": algorithm,
        },
        actor=actor,
    )
    return credential
