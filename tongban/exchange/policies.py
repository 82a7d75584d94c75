"""Who may do what in the exchange. Actors are accounts (officials) or system clients.

- a department's data administrators run its registries, catalogue entries, quality issues and
  correction requests, request grants for its systems and answer grants on its resources;
- the data authority (数据主管部门: data administrators of the platform department) checks
  grant requests for compliance;
- a department's system clients write its own registries (GovStack data API);
- officials browse the catalogue; auditors read access logs."""

import rules

from tongban.core.models import Department
from tongban.identity.models import Role
from tongban.identity.predicates import (
    has_role,
    in_department,
    is_auditor,
    is_official,
    is_person,
    official_of,
)

is_data_admin = has_role(Role.DATA_ADMIN)


def _department(obj):
    """The department that owns `obj` (a department, registry, resource, grant, correction)."""
    if obj is None or isinstance(obj, Department):
        return obj
    for path in ("department", "registry.department", "resource.registry.department"):
        target = obj
        for part in path.split("."):
            target = getattr(target, part, None)
        if target is not None:
            return target
    return None


def _consumer_department(grant):
    return grant.consumer.department


@rules.predicate
def is_data_authority(account) -> bool:
    """A data administrator of the platform department (政务服务和数据管理局)."""
    official = official_of(account)
    return (
        official is not None
        and official.department.kind == Department.Kind.PLATFORM
        and official.has_role(Role.DATA_ADMIN)
    )


@rules.predicate
def is_system_of_owner(actor, obj) -> bool:
    from tongban.exchange.models import SystemClient

    owner = _department(obj)
    return (
        isinstance(actor, SystemClient)
        and actor.is_active
        and owner is not None
        and actor.department_id == owner.pk
    )


@rules.predicate
def is_system(actor) -> bool:
    from tongban.exchange.models import SystemClient

    return isinstance(actor, SystemClient) and actor.is_active


@rules.predicate
def is_trusted_process(actor) -> bool:
    """The platform's own processes (`system:...` actors: seeds, management commands run by an
    operator on the server). HTTP callers are always accounts or system clients, never this."""
    return isinstance(actor, str) and actor.startswith("system:")


owner_admin = (is_data_admin & in_department(_department)) | is_trusted_process
consumer_admin = is_data_admin & in_department(_consumer_department)

rules.add_perm("exchange.manage_registry", owner_admin | is_system_of_owner)
rules.add_perm("exchange.write_records", owner_admin | is_system_of_owner)
rules.add_perm("exchange.view_catalogue", is_official | is_system)
rules.add_perm("exchange.register_client", owner_admin)
rules.add_perm(
    "exchange.request_grant", (is_data_admin & in_department(_department)) | is_trusted_process
)
rules.add_perm("exchange.check_compliance", is_data_authority | is_trusted_process)
rules.add_perm("exchange.answer_grant", owner_admin)
rules.add_perm("exchange.revoke_grant", owner_admin | is_data_authority | consumer_admin)
rules.add_perm("exchange.view_grant", owner_admin | is_data_authority | consumer_admin)
rules.add_perm("exchange.view_quality", owner_admin | is_data_authority)
rules.add_perm("exchange.run_quality", owner_admin | is_data_authority)
rules.add_perm("exchange.resolve_correction", owner_admin)
rules.add_perm("exchange.view_access_log", owner_admin | is_auditor)


@rules.predicate
def is_record_subject(account, record) -> bool:
    """The account's person is the record's subject (same blind index of the ID number)."""
    person = (
        getattr(account, "person", None) if getattr(account, "is_authenticated", False) else None
    )
    return (
        person is not None and record is not None and person.id_number_index == record.subject_index
    )


rules.add_perm("exchange.dispute_record", is_record_subject)
# A citizen has their own registered name checked against the population registry (L2).
rules.add_perm("exchange.verify_real_name", is_person)


@rules.predicate
def is_subject_or_case_party(account, access) -> bool:
    """For an allowed access-log line: the account's person is its subject, or takes part in
    the case the data was fetched for (`exchange.cases`)."""
    from tongban.exchange import cases
    from tongban.exchange.models import AccessLog

    person = (
        getattr(account, "person", None) if getattr(account, "is_authenticated", False) else None
    )
    if person is None or access is None or access.result != AccessLog.ALLOWED:
        return False
    return person.id_number_index == access.subject_index or cases.is_party(
        person, access.case_reference
    )


rules.add_perm("exchange.dispute_fetched_value", is_subject_or_case_party)
