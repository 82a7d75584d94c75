"""Once only (数据多跑路): materials the government already holds are fetched, not asked for.

A draft's materials with a registry source (catalogue `source = registry`) are read through
`tongban.exchange.gateway.fetch_for_case` with the handling department's system, the matter's
name as purpose and the application's reference as case (`number`, or `draft-<id>` before
submission). The gateway commits its access-log line on its own before it answers, so this
runs OUTSIDE any transaction — in the view, after the draft is saved and before the page is
shown — and hands the results to `services.record_provided`, which writes them in one
transaction. The applicant sees each line on their data-usage page (/me/data-usage/).

- a record was found: the material is "provided by government" (`Provided.FOUND`), the values
  are kept (encrypted) and shown to the applicant with the registry and department they came
  from, and empty form fields of the same name are filled in;
- the registry has no record: the material is asked for as usual (`NOT_FOUND`; a required one
  must then be uploaded);
- no system client, no grant covering the fields, another kind of subject, or a refusal by the
  gateway: `UNAVAILABLE` — the department checks it itself, as before (never a silent upload
  requirement the applicant cannot explain)."""

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from tongban.catalog.models import Material, MatterVersion
from tongban.core.permissions import require
from tongban.exchange import gateway
from tongban.exchange.models import Grant
from tongban.exchange.selectors import department_client
from tongban.intake.models import Application, Provided, Status

logger = logging.getLogger("tongban.intake")


@dataclass
class Fetched:
    """One material's fetch, to be recorded by `services.record_provided`."""

    material_code: str
    registry_code: str
    result: str
    source_name: str = ""
    source_department_id: int | None = None
    values: dict = field(default_factory=dict)
    access_log_id: int | None = None


def registry_materials(application: Application) -> list[tuple[Material, MatterVersion]]:
    """The application's materials held in a registry, once per code, with their version."""
    from tongban.intake.services import _event_versions

    versions = (
        [application.version] if application.version_id else _event_versions(application.life_event)
    )
    found: dict[str, tuple[Material, MatterVersion]] = {}
    for version in versions:
        for material in version.materials.all():
            if material.source == Material.Source.REGISTRY and material.registry_code:
                found.setdefault(material.code, (material, version))
    return list(found.values())


def pending(application: Application) -> list[tuple[Material, MatterVersion]]:
    """Registry materials of a draft not fetched yet."""
    if application.status != Status.DRAFT:
        return []
    done = set(application.provided.values_list("material_code", flat=True))
    return [(m, v) for m, v in registry_materials(application) if m.code not in done]


def _fields(material: Material, registry, client) -> list[str]:
    """The fields to ask for, as few as will do: those the catalogue names (`registry_field`,
    comma-separated) when they are the registry's; else what the handling department's current
    grant on the registry covers (its own registry: the fields not marked sensitive)."""
    known = registry.field_names
    named = [f.strip() for f in material.registry_field.split(",") if f.strip()]
    if named and set(named) <= set(known):
        return named
    if client.department_id == registry.department_id:
        return [f for f in known if f not in registry.sensitive_fields]
    today = timezone.localdate()
    grants = [
        g
        for g in Grant.objects.filter(consumer=client, resource__registry=registry)
        if g.is_current(today)
    ]
    if not grants:
        return []
    widest = max(grants, key=lambda g: len(g.fields))
    return [f for f in known if f in widest.fields]


def _subject(application: Application, registry) -> str:
    if registry.subject_kind == "id_number":
        return application.person.id_number if application.person_id else ""
    return application.business.credit_code if application.business_id else ""


def fetch_one(application: Application, material: Material, version: MatterVersion) -> Fetched:
    registry = gateway.registry_in_service(material.registry_code)
    unavailable = Fetched(material.code, material.registry_code, Provided.Result.UNAVAILABLE)
    if registry is None:
        return unavailable
    unavailable.source_name = registry.name
    unavailable.source_department_id = registry.department_id
    client = department_client(version.matter.department)
    subject = _subject(application, registry)
    fields = _fields(material, registry, client) if client is not None else []
    if client is None or not subject or not fields:
        return unavailable
    try:
        disclosure = gateway.fetch_for_case(
            client=client,
            registry_code=registry.code,
            subject_id=subject,
            fields=fields,
            purpose=version.name,
            case_reference=application.reference,
        )
    except gateway.AccessRefused as refused:
        logger.info("prefill refused", extra={"code": refused.code, "material": material.code})
        unavailable.access_log_id = refused.access_id
        return unavailable
    return Fetched(
        material.code,
        registry.code,
        Provided.Result.FOUND if disclosure.found else Provided.Result.NOT_FOUND,
        source_name=registry.name,
        source_department_id=registry.department_id,
        values=disclosure.values if disclosure.found else {},
        access_log_id=disclosure.access_id,
    )


def prefill(*, actor, application: Application) -> list[Provided]:
    """Fetch the draft's registry materials not fetched yet and record them. Must run outside
    a transaction (the gateway's log line commits first; inside one it raises RuntimeError).
    Returns the new rows."""
    from tongban.intake import services

    require(actor, "intake.act_as_applicant", application)
    todo = pending(application)
    if not todo:
        return []
    fetched = [fetch_one(application, material, version) for material, version in todo]
    return services.record_provided(actor=actor, application=application, fetched=fetched)
