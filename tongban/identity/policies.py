"""Who may do what with identity records (django-rules; services call `require`)."""

import rules

from tongban.identity.predicates import (
    acts_for,
    in_department,
    is_counter_clerk,
    is_operator,
    is_person,
    is_self,
)

# Operators manage officials, accounts and single sign-on clients.
rules.add_perm("identity.manage_officials", is_operator)
rules.add_perm("identity.manage_accounts", is_operator)
rules.add_perm("identity.disable_account", is_operator)
rules.add_perm("identity.manage_clients", is_operator)
rules.add_perm("identity.manage_businesses", is_operator)
# Raising assurance (实名核验), one permission per method (services.verify_identity):
# a counter clerk of any department verifies a person in person (L3); a platform operator
# records L2 when the population registry cannot answer; a citizen has their own name and ID
# number checked against the population registry (L2, through the exchange).
rules.add_perm("identity.find_person", is_counter_clerk | is_operator)
rules.add_perm("identity.verify_at_counter", is_counter_clerk)
rules.add_perm("identity.verify_by_operator", is_operator)
rules.add_perm("identity.verify_against_registry", is_person & is_self)
# A counter clerk records guardianship from documents.
rules.add_perm("identity.record_guardianship", is_counter_clerk)
# A person's record: themselves, their guardian, or a counter clerk serving them.
rules.add_perm("identity.view_person", acts_for("track") | is_counter_clerk | is_operator)
# A business: those who act for it, and operators.
rules.add_perm("identity.view_business", acts_for("track") | is_operator)
# Only the legal representative (every scope) may authorize agents.
rules.add_perm("identity.authorize_agents", is_person & acts_for("manage_agents"))
# An official's record: the official, colleagues of the same department, operators.
rules.add_perm(
    "identity.view_official",
    is_self | in_department(lambda official: official.department_id) | is_operator,
)
# A session belongs to its account alone.
rules.add_perm("identity.end_session", is_self)
rules.add_perm("identity.revoke_consent", is_self)

# The admin's model permissions follow the same rules: operators manage SSO clients, officials
# and businesses, and see accounts and sessions (changing an account goes through services).
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"oauth2_provider.{action}_application", is_operator)
    for model in ("oidcclient", "official", "officialrole", "business"):
        if not rules.perm_exists(f"identity.{action}_{model}"):  # view_official: see above
            rules.add_perm(f"identity.{action}_{model}", is_operator)
for model in (
    "account",
    "accountsession",
    "agentauthorization",
    "guardianship",
    "identityverification",
):
    rules.add_perm(f"identity.view_{model}", is_operator)
rules.add_perm("identity.change_account", is_operator)
rules.add_perm("oauth2_provider", is_operator)  # the admin index shows the app
rules.add_perm("identity", is_operator)
