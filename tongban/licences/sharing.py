"""E-licences as a data source of the exchange gateway (免提交, issue 8 "reuse").

Another department's system reads a holder's licence data only through the gateway: under a
grant, with purpose and case, and with an access-log line the holder sees on 数据使用记录 and
in the wallet. Each licence type is described to the exchange as a registry
`licence-<type code>` of its defining department, kept by the source "licence" (registered
when the app starts, `apps.py`) and catalogued as a conditionally shared resource. Its record
about a holder is the holder's newest licence of the type that is valid today: the signed
fields plus the identifier, issuer and validity. The exchange never imports this app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.exchange import selectors as exchange_selectors
from tongban.exchange import services as exchange
from tongban.exchange.models import Registry, Resource, SubjectKind, subject_index
from tongban.exchange.sources import SourceRecord
from tongban.identity.models import Business, Person
from tongban.licences import identifiers
from tongban.licences.models import HolderKind, Licence, LicenceType
from tongban.licences.selectors import valid_licence

SOURCE = "licence"
REGISTRY_PREFIX = "licence-"
MAX_TYPE_CODE = Registry._meta.get_field("code").max_length - len(REGISTRY_PREFIX)
# The platform publishes the registry as a consequence of an operator defining the type
# (who did that is in the licence type's own event).
ACTOR = "system:licences"
# Fields every licence registry has besides the type's own; a type may not use these names.
HOLDER_NAME, IDENTIFIER, ISSUER = "holder_name", "licence_identifier", "licence_issuer"
VALID_FROM, VALID_UNTIL = "licence_valid_from", "licence_valid_until"
SUBJECT_FIELDS = {HolderKind.PERSON: "holder_id_number", HolderKind.BUSINESS: "holder_credit_code"}
SUBJECT_KINDS = {HolderKind.PERSON: SubjectKind.PERSON, HolderKind.BUSINESS: SubjectKind.BUSINESS}


def registry_code(licence_type_code: str) -> str:
    return REGISTRY_PREFIX + licence_type_code


def registry_schema(licence_type: LicenceType) -> dict:
    """The registry's JSON Schema: the holder, the licence's identity and validity, and the
    type's own fields as it defines them."""
    subject = SUBJECT_FIELDS[licence_type.holder_kind]
    own = licence_type.field_schema.get("properties", {})
    reserved = {subject, HOLDER_NAME, IDENTIFIER, ISSUER, VALID_FROM, VALID_UNTIL}
    clash = sorted(reserved & set(own))
    if clash:
        raise ValidationError(
            {
                "field_schema": [
                    _("These field names are reserved: %(names)s") % {"names": ", ".join(clash)}
                ]
            }
        )
    id_format = (
        "cn-id-number" if licence_type.holder_kind == HolderKind.PERSON else "cn-credit-code"
    )
    properties = {
        subject: {"type": "string", "title": _("Holder's identifier"), "format": id_format},
        HOLDER_NAME: {"type": "string", "title": _("Holder"), "x-sensitive": True},
        IDENTIFIER: {"type": "string", "title": _("Licence identifier")},
        ISSUER: {"type": "string", "title": _("Issued by")},
        VALID_FROM: {"type": "string", "title": _("Valid from"), "format": "date"},
        VALID_UNTIL: {"type": "string", "title": _("Valid until"), "format": "date"},
        **own,
    }
    required = [subject, HOLDER_NAME, IDENTIFIER, ISSUER, VALID_FROM]
    required += [name for name in licence_type.field_schema.get("required", []) if name in own]
    return {"type": "object", "properties": properties, "required": required}


@transaction.atomic
def offer_for_exchange(licence_type: LicenceType) -> Registry:
    """Describe the type to the exchange (create or bring up to date its registry and its
    catalogue entry). Called whenever a type is defined or changed."""
    if len(licence_type.code) > MAX_TYPE_CODE:
        raise ValidationError({"code": [_("At most %(n)d characters.") % {"n": MAX_TYPE_CODE}]})
    code = registry_code(licence_type.code)
    with translation.override(settings.LANGUAGE_CODE):  # schema titles and catalogue are data
        schema = registry_schema(licence_type)
        name = licence_type.name
        summary = _("E-licence %(name)s: the holder's valid licence, as signed by its issuer.") % {
            "name": licence_type.name
        }
        conditions = _("For handling an application that needs this licence (免提交).")
    registry = Registry.objects.filter(code=code).first()
    if registry is None:
        registry = exchange.create_registry(
            actor=ACTOR,
            department=licence_type.defining_department,
            code=code,
            name=name,
            subject_kind=SUBJECT_KINDS[licence_type.holder_kind],
            subject_field=SUBJECT_FIELDS[licence_type.holder_kind],
            schema=schema,
            description=summary,
            source=SOURCE,
        )
    elif registry.schema != schema:  # as dicts: PostgreSQL's jsonb keeps no key order
        registry, _status = exchange.evolve_schema(actor=ACTOR, registry=registry, schema=schema)
        if registry.name != name:
            Registry.objects.filter(pk=registry.pk).update(name=name)
    exchange.save_resource(
        actor=ACTOR,
        registry=registry,
        code=f"LICENCE/{licence_type.type_code}",
        name=name,
        summary=summary,
        sharing=Resource.Sharing.CONDITIONAL,
        sharing_conditions=conditions,
        openness=Resource.Openness.CLOSED,
        update_cycle=Resource.UpdateCycle.REALTIME,
    )
    return registry


def licence_record(registry: Registry, subject_index: str, identifier: str) -> SourceRecord | None:
    """The exchange source: the subject's newest licence of the registry's type valid today.
    Called by the gateway only, after it checked the caller's grant; it logs the access."""
    type_code = registry.code.removeprefix(REGISTRY_PREFIX)
    if registry.subject_kind == SubjectKind.PERSON:
        holder = Person.objects.filter(id_number_index=subject_index).first()
    else:
        holder = Business.objects.filter(credit_code=identifier).first()
    licence = holder and valid_licence(holder=holder, licence_type=type_code)
    if not licence:
        return None
    document = licence.document
    values = {
        registry.subject_field: document["holder"]["code"],
        HOLDER_NAME: document["holder"]["name"],
        IDENTIFIER: licence.identifier,
        ISSUER: licence.issuer.name,
        VALID_FROM: licence.valid_from.isoformat(),
        **document["fields"],
    }
    if licence.valid_until:
        values[VALID_UNTIL] = licence.valid_until.isoformat()
    version = int(identifiers.parse(licence.identifier).version)
    return SourceRecord(uid=licence.identifier, version=version, values=values)


def reuses_of(licence: Licence):
    """Where the holder's licences of this type were reused through the gateway (免提交): the
    access-log lines the holder may see (delayed disclosure respected), newest first."""
    holder = licence.holder
    index = (
        holder.id_number_index
        if isinstance(holder, Person)
        else subject_index(SubjectKind.BUSINESS, holder.credit_code)
    )
    return exchange_selectors.data_usage(
        index, registry_code=registry_code(licence.licence_type.code)
    )
