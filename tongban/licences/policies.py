"""Who may do what with e-licences.

- issue: an approver or department head of a department that issues the type; in-process
  platform actors (`system:...`, e.g. intake's outbox consumer or the demo seed) too — HTTP
  views always pass the signed-in account, never a string;
- change status (suspend, revoke, reinstate): an approver or department head of the licence's
  issuing department, and only while that department still issues its type;
- view, present, export: the holder (the person, or the legal representative of the business);
- define licence types: platform operators (and the demo seed);
- rotate keys: the department's head, a platform operator, or `tongban rotate-licence-key`."""

import rules

from tongban.identity.models import Role
from tongban.identity.predicates import has_role, in_department, is_operator, person_of


@rules.predicate
def is_system_actor(actor) -> bool:
    return isinstance(actor, str) and actor.startswith("system:")


decides = has_role(Role.APPROVER) | has_role(Role.DEPARTMENT_HEAD)


@rules.predicate
def issuer_issues_type(actor, target) -> bool:
    """`target` is (licence type, issuing department): the department issues that type."""
    licence_type, issuer = target
    return licence_type.issuing_departments.filter(pk=issuer.pk).exists()


@rules.predicate
def licence_issuer_still_issues(actor, licence) -> bool:
    return licence.licence_type.issuing_departments.filter(pk=licence.issuer_id).exists()


@rules.predicate
def is_holder(actor, licence) -> bool:
    person = person_of(actor)
    if person is None or licence is None:
        return False
    if licence.holder_person_id is not None:
        return licence.holder_person_id == person.pk
    return licence.holder_business.legal_representative_id == person.pk


rules.add_perm(
    "licences.issue",
    issuer_issues_type & (is_system_actor | (decides & in_department(lambda target: target[1]))),
)
rules.add_perm(
    "licences.change_status",
    decides & in_department(lambda licence: licence.issuer_id) & licence_issuer_still_issues,
)
rules.add_perm("licences.define_type", is_operator | is_system_actor)
rules.add_perm("licences.view", is_holder)
rules.add_perm("licences.present", is_holder)
rules.add_perm(
    "licences.rotate_key",
    is_system_actor
    | is_operator
    | (has_role(Role.DEPARTMENT_HEAD) & in_department(lambda department: department)),
)
