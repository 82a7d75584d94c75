"""Reads of e-licences: the wallet, the status lists, and licences as a data source."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core import crypto
from tongban.core.models import Department
from tongban.identity.models import Business, Person
from tongban.licences import identifiers, statuslist
from tongban.licences.models import DepartmentKey, Licence, LicenceStatus

STATUS_BITS = {
    LicenceStatus.VALID: statuslist.VALID,
    LicenceStatus.REVOKED: statuslist.INVALID,
    LicenceStatus.SUSPENDED: statuslist.SUSPENDED,
}


def wallet_of(*, person: Person) -> QuerySet[Licence]:
    """我的证照: the person's own licences and those of businesses they legally represent."""
    return (
        Licence.objects.filter(
            Q(holder_person=person) | Q(holder_business__legal_representative=person)
        )
        .select_related("licence_type", "issuer", "holder_business")
        .order_by("licence_type__name", "-issued_at")
    )


def licence_in_wallet(*, person: Person, pk: int) -> Licence | None:
    return wallet_of(person=person).select_related("signing_key").filter(pk=pk).first()


def issued_by(*, department: Department, identifier: str) -> Licence | None:
    """A licence the department issued, by its identifier (the officials' look-up)."""
    try:
        identifier = str(identifiers.parse(identifier))
    except identifiers.InvalidIdentifier:
        return None
    return (
        Licence.objects.select_related("licence_type", "issuer", "signing_key")
        .filter(issuer=department, identifier=identifier)
        .first()
    )


@dataclass(frozen=True)
class ReusableLicence:
    """What the exchange gateway hands to another department (免提交): the licence's fields
    as signed, with its identifier, type, issuer and validity."""

    identifier: str
    licence_type: str
    issuer_code: str
    issuer_name: str
    holder_code_type: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    fields: dict


def valid_licence(
    *, holder: Person | Business, licence_type: str, today: datetime.date | None = None
) -> Licence | None:
    """The holder's newest licence of the type (by `LicenceType.code`) that is valid today:
    not suspended, revoked or expired. None when there is none."""
    today = today or timezone.localdate()
    holder_filter = (
        Q(holder_person=holder) if isinstance(holder, Person) else Q(holder_business=holder)
    )
    return (
        Licence.objects.filter(
            holder_filter,
            licence_type__code=licence_type,
            status=LicenceStatus.VALID,
            valid_from__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("licence_type", "issuer")
        .order_by("-issued_at")
        .first()
    )


def valid_licence_of_type(
    *, holder: Person | Business, licence_type: str, today: datetime.date | None = None
) -> ReusableLicence | None:
    """`valid_licence` shaped for reuse. A data source, not an access decision: another
    department's system reaches licence data only through the exchange gateway
    (`licence-<type>` registries, `licences.sharing`), under a grant and logged where the
    holder sees it — never by calling this."""
    licence = valid_licence(holder=holder, licence_type=licence_type, today=today)
    if licence is None:
        return None
    return ReusableLicence(
        identifier=licence.identifier,
        licence_type=licence.licence_type.code,
        issuer_code=licence.issuer.credit_code,
        issuer_name=licence.issuer.name,
        holder_code_type=licence.holder_kind,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        fields=licence.fields,
    )


def list_signing_key(*, issuer: Department) -> DepartmentKey | None:
    """The key that signs the issuer's status list: its active key of the configured suite,
    else its newest key; None for a department that never issued a licence."""
    keys = DepartmentKey.objects.filter(department=issuer)
    algorithm = crypto.suite().signature_algorithm
    return (
        keys.filter(algorithm=algorithm, retired_at__isnull=True).first()
        or keys.order_by("-created_at").first()
    )


def status_list_of(*, issuer: Department) -> str:
    """The issuer's encoded status list (`lst`): one 2-bit entry per licence it issued."""
    rows = Licence.objects.filter(issuer=issuer).values_list("status_index", "status")
    last = rows.order_by("-status_index").first()
    statuses = {last[0]: statuslist.VALID} if last else {}
    statuses.update({index: STATUS_BITS[status] for index, status in rows.exclude(status="valid")})
    return statuslist.encode(statuses)
