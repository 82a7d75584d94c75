"""Who may do what with the catalogue.

Platform operators and department data administrators edit their own department's matters
only; publishing (审核发布) is the platform operator's review of any department's matter, so
a department never publishes its own submission. Life events cross departments: they come in
through `tongban catalog import`, an operator's command."""

import rules

from tongban.identity.models import Role
from tongban.identity.predicates import has_role, in_department, is_operator


def department_of(obj):
    """The department that owns `obj`: a Department itself, a Matter, a MatterVersion."""
    if hasattr(obj, "matter"):
        return obj.matter.department_id
    return getattr(obj, "department_id", obj)


is_data_admin = has_role(Role.DATA_ADMIN)
catalogue_editor = (is_operator | is_data_admin) & in_department(department_of)

rules.add_perm("catalog.create_matter", catalogue_editor)  # obj: the owning Department
rules.add_perm("catalog.edit_matter", catalogue_editor)  # drafts, revisions, submission
rules.add_perm("catalog.review_version", is_operator)  # return to draft, publish
rules.add_perm("catalog.withdraw_version", is_operator | catalogue_editor)
rules.add_perm("catalog.view_drafts", is_operator | catalogue_editor)
