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
