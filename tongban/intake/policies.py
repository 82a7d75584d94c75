"""Who may do what with applications (django-rules; services call `require`).

The object of `intake.apply` is the party (Person or Business) applied for; the others take
the application. Officials work on tasks through `workflow.work_on_task` in addition."""

import rules

from tongban.identity.models import Role
from tongban.identity.predicates import (
    acts_for,
    has_role,
    is_auditor,
    is_counter_clerk,
    is_operator,
    official_of,
)


def _party(application):
    return application.party


@rules.predicate
def in_handling_department(account, application) -> bool:
    """An official of the lead department or of a department with a task on the case (a
    co-reviewer, or a life event child's department)."""
    official = official_of(account)
    if official is None or application is None:
        return False
    if official.department_id == application.department_id:
        return True
    from tongban.workflow.models import Task

    return Task.objects.filter(
        instance__subject_type="intake.application",
        instance__subject_id=str(application.pk),
        department_id=official.department_id,
    ).exists()


@rules.predicate
def registered_it(account, application) -> bool:
    official = official_of(account)
    return (
        official is not None
        and application is not None
        and application.registered_by_id == official.pk
    )


@rules.predicate
def in_lead_department(account, application) -> bool:
    official = official_of(account)
    return (
        official is not None
        and application is not None
        and official.department_id == application.department_id
    )


is_approver = has_role(Role.APPROVER)
is_department_head = has_role(Role.DEPARTMENT_HEAD)
applies_for_party = acts_for("apply")

# Applying for oneself, a ward, or a business one represents or is an agent of (scope apply).
rules.add_perm("intake.apply", applies_for_party)
# Counter intake (一窗受理): a counter clerk of any department, for a walk-in applicant.
rules.add_perm("intake.register_at_counter", is_counter_clerk)
# Reading an application: those who act for the applicant (scope track), the clerk who
# registered it, the handling departments' officials, operators and auditors.
rules.add_perm(
    "intake.view_application",
    acts_for("track", _party) | registered_it | in_handling_department | is_operator | is_auditor,
)
# Changing a draft, handing in materials, submitting, answering a supplement, withdrawing.
rules.add_perm(
    "intake.act_as_applicant", acts_for("apply", _party) | (is_counter_clerk & registered_it)
)
# Asking for human review of an automatic refusal (人工复核): the applicant, their guardian or
# an agent who may apply for them — not the counter clerk.
rules.add_perm("intake.request_review", acts_for("apply", _party))
# Delivering the result and closing the case: the lead department's approvers and head.
rules.add_perm("intake.deliver_result", in_lead_department & (is_approver | is_department_head))
# The department's overview of every case and the deadline escalations.
rules.add_perm("intake.view_department_queue", is_approver | is_department_head | is_counter_clerk)
