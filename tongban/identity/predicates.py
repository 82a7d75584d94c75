"""django-rules predicates about who an actor is. Other apps build their policies from these."""

import rules

from tongban.identity.models import Role


def official_of(account):
    """The account's Official record, or None (anonymous users and citizens have none)."""
    if not getattr(account, "is_authenticated", False):
        return None
    return getattr(account, "official", None) if account.kind == "official" else None


def person_of(account):
    if not getattr(account, "is_authenticated", False):
        return None
    return getattr(account, "person", None)


@rules.predicate
def is_official(account) -> bool:
    return official_of(account) is not None


@rules.predicate
def is_person(account) -> bool:
    return person_of(account) is not None


def has_role(role: Role | str) -> rules.Predicate:
    """Predicate: the account is an official holding `role`."""

    @rules.predicate(name=f"has_role:{role}")
    def predicate(account) -> bool:
        official = official_of(account)
        return official is not None and official.has_role(str(role))

    return predicate


def in_department(department_of) -> rules.Predicate:
    """Predicate: the account is an official of the department `department_of(obj)` names."""

    @rules.predicate
    def predicate(account, obj) -> bool:
        official = official_of(account)
        return (
            official is not None
            and obj is not None
            and (official.department_id == getattr(department_of(obj), "pk", department_of(obj)))
        )

    return predicate


is_operator = has_role(Role.OPERATOR)
is_auditor = has_role(Role.AUDITOR)


def acts_for(scope: str, party_of=None) -> rules.Predicate:
    """Predicate: the account's person may act for the party (a Person or a Business) in
    `scope` — as that person, their guardian, the business's legal representative, or an
    agent (经办人) whose unexpired authorization names the scope.

    `party_of(obj)` finds the party in the checked object (default: the object itself), so an
    app can write `rules.add_perm("intake.submit", acts_for("apply", lambda a: a.party))`."""
    from tongban.identity import selectors

    @rules.predicate(name=f"acts_for:{scope}")
    def predicate(account, obj) -> bool:
        person = person_of(account)
        party = party_of(obj) if party_of and obj is not None else obj
        return (
            person is not None
            and party is not None
            and selectors.relation_to(person=person, party=party, scope=scope) is not None
        )

    return predicate


@rules.predicate
def is_self(account, obj) -> bool:
    """The object is the account itself, or belongs to it (has an `account` field)."""
    if not getattr(account, "is_authenticated", False) or obj is None:
        return False
    owner_id = obj.pk if obj.__class__ is account.__class__ else getattr(obj, "account_id", None)
    return owner_id == account.pk


is_counter_clerk = has_role(Role.COUNTER_CLERK)
is_data_admin = has_role(Role.DATA_ADMIN)
