"""Who may do what with identity records."""

import rules

from tongban.identity.predicates import is_operator

rules.add_perm("identity.manage_officials", is_operator)
