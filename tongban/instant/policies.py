"""Who may do what with instant approval.

- attach, activate and simulate decisions: platform operators (and in-process `system:` actors:
  the demo seed);
- decide: the platform itself (`system:...`, intake's submission path), the applicant for
  their own case, or an official of the matter's department;
- read an evaluation and its explanation: the applicant, officials of the matter's department,
  operators and auditors;
- ask for human review of an automatic refusal: the applicant, or whoever may apply for them
  (a guardian)."""

import rules

from tongban.identity.predicates import (
    acts_for,
    in_department,
    is_auditor,
    is_operator,
    person_of,
)


@rules.predicate
def is_system_actor(actor) -> bool:
    return isinstance(actor, str) and actor.startswith("system:")


@rules.predicate
def is_the_applicant(actor, evaluation) -> bool:
    person = person_of(actor)
    return person is not None and evaluation is not None and evaluation.applicant_id == person.pk


@rules.predicate
def applies_for_self(actor, target) -> bool:
    """`target` is (matter version, applicant Person)."""
    person = person_of(actor)
    return person is not None and target is not None and target[1].pk == person.pk


rules.add_perm("instant.manage_decision", is_operator | is_system_actor)
rules.add_perm(
    "instant.decide",
    is_system_actor | applies_for_self | in_department(lambda target: target[0].lead_department),
)
rules.add_perm(
    "instant.view_evaluation",
    is_the_applicant
    | in_department(lambda evaluation: evaluation.version.lead_department)
    | is_operator
    | is_auditor,
)
rules.add_perm(
    "instant.request_review",
    is_the_applicant | acts_for("apply", lambda evaluation: evaluation.applicant),
)
