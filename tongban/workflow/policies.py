"""Who may do what with process models and tasks (django-rules)."""

import rules

from tongban.identity.models import Role
from tongban.identity.predicates import has_role, is_auditor, is_operator, official_of


@rules.predicate
def in_task_department(account, task) -> bool:
    official = official_of(account)
    return (
        official is not None and task is not None and official.department_id == task.department_id
    )


@rules.predicate
def holds_task_role(account, task) -> bool:
    official = official_of(account)
    return official is not None and task is not None and official.has_role(task.role)


@rules.predicate
def is_assignee(account, task) -> bool:
    official = official_of(account)
    return official is not None and task is not None and task.assignee_id == official.pk


is_department_head = has_role(Role.DEPARTMENT_HEAD)

# Operators manage process and decision models (流程与决策模型).
rules.add_perm("workflow.upload_model", is_operator)
# Seeing a task: its department's officials; operators and auditors across departments.
rules.add_perm("workflow.view_task", in_task_department | is_operator | is_auditor)
# Claiming, completing, asking for a supplement: an official of the task's department who
# holds the task's role.
rules.add_perm("workflow.work_on_task", in_task_department & holds_task_role)
# Giving a claimed task back to the queue (退回): its assignee, or the department's head.
rules.add_perm(
    "workflow.return_task",
    in_task_department & (is_assignee | is_department_head),
)
