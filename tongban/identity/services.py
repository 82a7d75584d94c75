"""Writes of identity: registration, sign-in sessions, MFA, acting for others, SSO clients.

Every function runs in one transaction, checks permission through the rules in
`policies.py` (system actors such as `system:seed-demo` or `system:cli` are trusted callers:
the command line and the demo seed) and records a domain event. Event payloads carry ids and
codes, never personal data."""

import datetime
import secrets

from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken, Application, RefreshToken

from tongban.core.events import Ref, record_event
from tongban.core.identifiers import clean_credit_code, clean_id_number
from tongban.core.models import Department
from tongban.core.permissions import require
from tongban.identity.backends import PHONE
from tongban.identity.models import (
    AGE_OF_MAJORITY,
    Account,
    AccountSession,
    AgentAuthorization,
    Business,
    Consent,
    Guardianship,
    IdentityVerification,
    Official,
    OfficialRole,
    OidcClient,
    Person,
    Role,
)

RECOVERY_CODES = 10
SELF_REGISTRATION = "system:self-registration"


def _check(actor: Ref, permission: str, obj=None) -> None:
    if isinstance(actor, str) and actor.startswith("system:"):
        return
    require(actor, permission, obj)


def clean_phone(value: str) -> str:
    phone = (value or "").strip().replace(" ", "").replace("-", "")
    if not PHONE.match(phone):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1."), "phone"
        )
    return phone


# -- accounts ----------------------------------------------------------------------------


@transaction.atomic
def register_citizen(
    *, real_name: str, id_number: str, phone: str, email: str, password: str
) -> Account | None:
    """Self-registration (L1). Returns the new account, or None when the ID number, phone
    or email already belongs to an account — the caller answers both cases alike so
    registration never reveals whether someone has an account. Invalid input raises a
    ValidationError per field and writes nothing."""
    errors: dict[str, list[str]] = {}
    try:
        id_number = clean_id_number(id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = [_("Enter your name as on your ID card.")]
    email = (email or "").strip().lower()
    try:
        password_validation.validate_password(password, Account(display_name=real_name))
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    taken = (
        Person.objects.filter(id_number_index=Person.index_for(id_number)).exists()
        or Person.objects.filter(
            account__isnull=False, phone_index=Person.phone_index_for(phone)
        ).exists()
        or (email and Person.objects.filter(account__isnull=False, email=email).exists())
    )
    if taken:
        record_event(
            "identity.registration.refused",
            subject=("identity.person", "-"),
            payload={"reason": "duplicate"},
            actor=SELF_REGISTRATION,
        )
        return None
    account = Account.objects.create_user(
        f"p-{secrets.token_hex(8)}", password, kind=Account.Kind.PERSON, display_name=real_name
    )
    person = Person(
        account=account, real_name=real_name, id_number=id_number, phone=phone, email=email
    )
    person.full_clean(exclude=["account"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent registration won the race: same answer as above
        transaction.set_rollback(True)
        return None
    record_event(
        "identity.account.registered",
        subject=account,
        payload={"person": person.pk, "assurance": person.assurance},
        actor=account,
    )
    return account


@transaction.atomic
def save_citizen(
    *,
    actor: Ref,
    real_name: str,
    id_number: str,
    phone: str,
    email: str,
    assurance: int,
    assurance_method: str,
    password_hash: str,
) -> tuple[Person, str]:
    """Create or update a citizen with an account (seeds and bulk onboarding by trusted
    callers). The password is set only when the account is created. Returns the person and
    "created", "updated" or "unchanged"."""
    _check(actor, "identity.manage_accounts")
    id_number = clean_id_number(id_number)
    person = (
        Person.objects.select_for_update(of=("self",))
        .filter(id_number_index=Person.index_for(id_number))
        .select_related("account")
        .first()
    )
    values = {
        "real_name": real_name,
        "phone": clean_phone(phone),
        "email": email.lower(),
        "assurance": assurance,
        "assurance_method": assurance_method,
    }
    if person is not None and person.account_id:
        changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
        if not changed and person.account.display_name == real_name:
            return person, "unchanged"
        status = "updated"
    else:
        changed, status = sorted(values), "created"
    account = person.account if person is not None and person.account_id else None
    if account is None:
        account = Account.objects.create(
            login=f"p-{secrets.token_hex(8)}",
            kind=Account.Kind.PERSON,
            display_name=real_name,
            password=password_hash,
        )
    elif account.display_name != real_name:
        account.display_name = real_name
        account.save(update_fields=["display_name"])
    person = person or Person(id_number=id_number)
    person.account = account
    for name, value in values.items():
        setattr(person, name, value)
    person.full_clean(exclude=["account"])
    person.save()
    record_event(
        f"identity.person.{status}", subject=person, payload={"fields": changed}, actor=actor
    )
    return person, status


@transaction.atomic
def save_person_without_account(
    *, actor: Ref, real_name: str, id_number: str
) -> tuple[Person, str]:
    """A person known to the platform who has no account (e.g. a child), for guardianship."""
    _check(actor, "identity.record_guardianship")
    id_number = clean_id_number(id_number)
    person = Person.objects.filter(id_number_index=Person.index_for(id_number)).first()
    if person is not None and person.real_name == real_name:
        return person, "unchanged"
    status = "updated" if person else "created"
    person = person or Person(id_number=id_number)
    person.real_name = real_name
    person.full_clean(exclude=["account"])
    person.save()
    record_event(f"identity.person.{status}", subject=person, actor=actor)
    return person, status


@transaction.atomic
def change_password(*, account: Account, new_password: str, keep_session_key: str = "") -> None:
    """Set a new password and end every other session (ASVS 3.3.3)."""
    password_validation.validate_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    end_all_sessions(
        account=account,
        reason=AccountSession.EndReason.PASSWORD,
        actor=account,
        keep_session_key=keep_session_key,
    )
    record_event("identity.password.changed", subject=account, actor=account)


@transaction.atomic
def change_contact(*, account: Account, phone: str, email: str) -> list[str]:
    """Change a citizen's phone number and email address; returns the fields that changed.
    A phone or email that belongs to another account is refused without saying whose."""
    person = Person.objects.select_for_update().get(account=account)
    phone, email = clean_phone(phone), (email or "").strip().lower()
    changed = [
        name
        for name, value in (("phone", phone), ("email", email))
        if getattr(person, name) != value
    ]
    if not changed:
        return []
    person.phone, person.email = phone, email
    person.full_clean(exclude=["account"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError(
            _("This phone number or email address cannot be used. Choose another.")
        ) from None
    record_event(
        "identity.contact.changed", subject=person, payload={"fields": changed}, actor=account
    )
    return changed


@transaction.atomic
def disable_account(*, actor: Ref, account: Account) -> None:
    """Disable an account: no sign-in, every session ended, every token revoked."""
    _check(actor, "identity.disable_account", account)
    account.is_active = False
    account.save(update_fields=["is_active"])
    end_all_sessions(account=account, reason=AccountSession.EndReason.DISABLED, actor=actor)
    for token in AccessToken.objects.filter(user=account):
        token.revoke()
    RefreshToken.objects.filter(user=account, revoked__isnull=True).update(revoked=timezone.now())
    record_event("identity.account.disabled", subject=account, actor=actor)


# How each method raises assurance, and who may use it (policies.py).
VERIFICATION_METHODS = {
    IdentityVerification.Method.COUNTER: (Person.Assurance.L3, "identity.verify_at_counter"),
    IdentityVerification.Method.OPERATOR: (Person.Assurance.L2, "identity.verify_by_operator"),
    IdentityVerification.Method.POPULATION_REGISTRY: (
        Person.Assurance.L2,
        "identity.verify_against_registry",
    ),
}
MAX_REASON = 500


@transaction.atomic
def verify_identity(
    *,
    actor: Account,
    person: Person,
    method: str,
    document: str = "",
    reason: str = "",
    evidence: str = "",
) -> IdentityVerification:
    """Raise a person's assurance level (实名核验) and record how, by whom and where.

    - `counter` (L3): a counter clerk of any department saw the person and the original
      `document`; the clerk's department is recorded as the place.
    - `operator` (L2): a platform operator, while the population registry cannot answer; the
      `reason` is required and kept.
    - `population_registry` (L2): the person themselves, after the exchange found their name
      and ID number in the population registry; `evidence` names the access-log line.

    A level is never lowered, nor recorded twice: a person already at the level (or above) is
    refused, and nothing changes."""
    try:
        level, permission = VERIFICATION_METHODS[IdentityVerification.Method(method)]
    except ValueError:
        raise ValidationError({"method": _("Choose how the identity was verified.")}) from None
    require(actor, permission, person)
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    if method == IdentityVerification.Method.COUNTER and (
        document not in IdentityVerification.Document.values
    ):
        raise ValidationError({"document": _("Choose the document you checked.")})
    if method == IdentityVerification.Method.OPERATOR and not reason:
        raise ValidationError({"reason": _("Say why the registry check is done by hand.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Please keep it shorter.")})
    if method == IdentityVerification.Method.POPULATION_REGISTRY and not evidence:
        raise ValidationError(_("The registry's answer is missing."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.assurance >= level:
        raise ValidationError(
            _("This identity is already verified at level L%(level)d.")
            % {"level": person.assurance}
        )
    official = getattr(actor, "official", None) if actor.kind == Account.Kind.OFFICIAL else None
    verification = IdentityVerification.objects.create(
        person=person,
        level=level,
        method=method,
        verified_by=actor,
        department=official.department if official else None,
        document=document if method == IdentityVerification.Method.COUNTER else "",
        reason=reason,
        evidence=evidence[:100],
    )
    person.assurance, person.assurance_method = level, method
    person.save(update_fields=["assurance", "assurance_method"])
    record_event(
        "identity.person.verified",
        subject=person,
        payload={
            "level": level,
            "method": method,
            "verification": verification.pk,
            "department": verification.department_id,
        },
        actor=actor,
    )
    return verification


# -- officials ---------------------------------------------------------------------------


def check_official(*, login: str, roles: list[str]) -> None:
    """The rules of an official's login and roles (also run by the admin form, so it can
    show them next to the field). Raises ValidationError per field."""
    if not any(c.isalpha() for c in login or ""):
        raise ValidationError({"login": _("An official's login contains a letter.")})
    if set(roles) - set(Role.values):
        raise ValidationError({"roles": _("Choose known roles.")})
    if Account.objects.filter(login=login).exclude(kind=Account.Kind.OFFICIAL).exists():
        raise ValidationError({"login": _("This login belongs to a citizen account.")})


@transaction.atomic
def save_official(
    *,
    actor: Ref,
    login: str,
    display_name: str,
    department: Department,
    roles: list[str],
    password: str | None = None,
    password_hash: str = "",
) -> tuple[Official, str]:
    """Create or update an official and set exactly `roles`; returns it and "created",
    "updated" or "unchanged". Officials with admin-page roles get staff status. A new
    official's `password` must pass the password rules (`password_hash`: seeds only)."""
    _check(actor, "identity.manage_officials")
    check_official(login=login, roles=roles)
    account = Account.objects.filter(login=login).first()
    status = "unchanged"
    if account is None:
        if password:
            password_validation.validate_password(
                password, Account(login=login, display_name=display_name)
            )
        account = Account.objects.create_user(
            login, password, kind=Account.Kind.OFFICIAL, display_name=display_name
        )
        if password_hash:
            account.password = password_hash
            account.save(update_fields=["password"])
        status = "created"
    official, made = Official.objects.get_or_create(
        account=account, defaults={"department": department}
    )
    if not made and official.department_id != department.pk:
        official.department = department
        official.save(update_fields=["department"])
        status = status if status == "created" else "updated"
    current = set(official.roles.values_list("role", flat=True))
    if current != set(roles):
        official.roles.exclude(role__in=roles).delete()
        OfficialRole.objects.bulk_create(
            [OfficialRole(official=official, role=role) for role in set(roles) - current]
        )
        status = status if status == "created" else "updated"
    is_staff = bool({"operator", "data_admin", "auditor"} & set(roles))
    if account.display_name != display_name or account.is_staff != is_staff:
        account.display_name, account.is_staff = display_name, is_staff
        account.save(update_fields=["display_name", "is_staff"])
        status = status if status == "created" else "updated"
    if status != "unchanged":
        record_event(
            f"identity.official.{status}",
            subject=official,
            payload={"department": department.pk, "roles": sorted(roles)},
            actor=actor,
        )
    return official, status


# -- businesses --------------------------------------------------------------------------


def check_business(*, credit_code: str, name: str, legal_representative: Person | None) -> str:
    """The rules of a business record; returns the cleaned credit code or raises a
    ValidationError per field (also run by the admin form)."""
    errors: dict[str, list[str]] = {}
    try:
        credit_code = clean_credit_code(credit_code or "")
    except ValidationError as error:
        errors["credit_code"] = error.messages
    if not (name or "").strip():
        errors["name"] = [_("Enter the business's registered name.")]
    if legal_representative is None:
        errors["legal_representative"] = [_("Choose the legal representative.")]
    elif legal_representative.is_minor():
        errors["legal_representative"] = [_("The legal representative must be an adult.")]
    if errors:
        raise ValidationError(errors)
    return credit_code


@transaction.atomic
def save_business(
    *, actor: Ref, credit_code: str, name: str, legal_representative: Person
) -> tuple[Business, str]:
    """Register or update a legal person (法人), found by its unified social credit code;
    returns it and "created", "updated" or "unchanged". The legal representative holds every
    scope for the business; agents keep their authorizations when the representative changes,
    until they expire or are revoked."""
    _check(actor, "identity.manage_businesses")
    credit_code = check_business(
        credit_code=credit_code, name=name, legal_representative=legal_representative
    )
    name = name.strip()
    business = Business.objects.select_for_update().filter(credit_code=credit_code).first()
    if business is None:
        business = Business(credit_code=credit_code)
        changed = ["name", "legal_representative"]
    else:
        changed = [
            field
            for field, value in (
                ("name", business.name != name),
                (
                    "legal_representative",
                    business.legal_representative_id != legal_representative.pk,
                ),
            )
            if value
        ]
        if not changed:
            return business, "unchanged"
    status = "updated" if business.pk else "created"
    business.name, business.legal_representative = name, legal_representative
    business.full_clean()
    business.save()
    record_event(
        f"identity.business.{status}",
        subject=business,
        payload={"fields": changed, "legal_representative": legal_representative.pk},
        actor=actor,
    )
    return business, status


# -- sessions ----------------------------------------------------------------------------


@transaction.atomic
def start_session(
    *, account: Account, session_key: str, client_address: str | None, user_agent: str
) -> AccountSession:
    """Track a new signed-in session (called on every successful sign-in)."""
    session = AccountSession.objects.create(
        account=account,
        session_key=session_key,
        client_address=client_address,
        user_agent=user_agent[:200],
    )
    record_event("identity.session.started", subject=session, actor=account)
    return session


def _session_store() -> type[SessionBase]:
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def _end(session: AccountSession, reason: str, actor: Ref) -> None:
    session.ended_at, session.end_reason = timezone.now(), reason
    session.save(update_fields=["ended_at", "end_reason"])
    _session_store()(session_key=session.session_key).delete()
    record_event("identity.session.ended", subject=session, payload={"reason": reason}, actor=actor)


@transaction.atomic
def end_session(*, actor: Ref, session: AccountSession, reason: str) -> None:
    """End one session now: the browser holding it is signed out at its next request."""
    if reason == AccountSession.EndReason.REVOKED:
        _check(actor, "identity.end_session", session)
    if session.ended_at is None:
        _end(session, reason, actor)


@transaction.atomic
def end_all_sessions(
    *, account: Account, reason: str, actor: Ref, keep_session_key: str = ""
) -> int:
    """End every open session of an account except `keep_session_key`; returns how many."""
    sessions = list(
        AccountSession.objects.select_for_update()
        .filter(account=account, ended_at__isnull=True)
        .exclude(session_key=keep_session_key or None)
    )
    for session in sessions:
        _end(session, reason, actor)
    return len(sessions)


# -- second factor -----------------------------------------------------------------------


@transaction.atomic
def begin_totp(*, account: Account) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device for the enrolment screen (replaces an earlier one)."""
    TOTPDevice.objects.filter(user=account, confirmed=False).delete()
    return TOTPDevice.objects.create(user=account, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_totp(*, account: Account, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment with a first code; returns new recovery codes, or None when the
    code is wrong. Earlier confirmed devices are replaced."""
    if device.user_id != account.pk or device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=account, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(account)
    record_event("identity.mfa.enrolled", subject=account, actor=account)
    return codes


def _new_recovery_codes(account: Account, codes: list[str] | None = None) -> list[str]:
    StaticDevice.objects.filter(user=account).delete()
    device = StaticDevice.objects.create(user=account, name="recovery codes", confirmed=True)
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, account: Account) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(account)
    record_event("identity.mfa.recovery_codes_renewed", subject=account, actor=account)
    return codes


@transaction.atomic
def remove_totp(*, account: Account) -> None:
    """Turn a citizen's optional second factor off. Officials cannot: it is mandatory."""
    if account.needs_second_factor:
        raise ValidationError(_("Officials must keep their second factor."))
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    record_event("identity.mfa.removed", subject=account, actor=account)


@transaction.atomic
def set_demo_totp(*, account: Account, key_hex: str, recovery_codes: list[str]) -> str:
    """Give a demo official a fixed TOTP secret and recovery codes (demo seed only), so the
    printed secrets stay valid across runs. Returns "created", "updated" or "unchanged"."""
    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    tokens = sorted(
        StaticToken.objects.filter(device__user=account).values_list("token", flat=True)
    )
    if device and device.key == key_hex and tokens == sorted(recovery_codes):
        return "unchanged"
    TOTPDevice.objects.filter(user=account).delete()
    TOTPDevice.objects.create(user=account, name="authenticator", key=key_hex, confirmed=True)
    _new_recovery_codes(account, recovery_codes)
    record_event("identity.mfa.enrolled", subject=account, actor="system:seed-demo")
    return "updated" if device else "created"


# -- acting for others -------------------------------------------------------------------


@transaction.atomic
def record_guardianship(
    *,
    actor: Ref,
    guardian: Person,
    ward: Person,
    basis: str,
    valid_until: datetime.date | None = None,
) -> tuple[Guardianship, str]:
    """Record that `guardian` acts for the minor `ward` (监护), until the ward's 18th
    birthday unless the documents say otherwise."""
    _check(actor, "identity.record_guardianship", ward)
    if guardian.pk == ward.pk:
        raise ValidationError(_("A person cannot be their own guardian."))
    if not ward.is_minor():
        raise ValidationError(_("Guardianship is recorded for minors only."))
    born = ward.birth_date
    valid_until = valid_until or born.replace(year=born.year + AGE_OF_MAJORITY)
    existing = Guardianship.objects.filter(
        guardian=guardian, ward=ward, revoked_at__isnull=True
    ).first()
    if existing and existing.valid_until == valid_until and existing.basis == basis:
        return existing, "unchanged"
    if existing:
        existing.valid_until, existing.basis = valid_until, basis
        existing.save(update_fields=["valid_until", "basis"])
        record_event("identity.guardianship.updated", subject=existing, actor=actor)
        return existing, "updated"
    guardianship = Guardianship.objects.create(
        guardian=guardian, ward=ward, basis=basis, valid_until=valid_until
    )
    record_event(
        "identity.guardianship.recorded",
        subject=guardianship,
        payload={"guardian": guardian.pk, "ward": ward.pk},
        actor=actor,
        on_behalf_of=ward,
    )
    return guardianship, "created"


@transaction.atomic
def authorize_agent(
    *,
    actor: Ref,
    business: Business,
    agent: Person,
    scopes: list[str],
    expires_on: datetime.date,
) -> tuple[AgentAuthorization, str]:
    """The legal representative authorizes `agent` (经办人) for `scopes` until `expires_on`;
    an existing authorization is replaced."""
    _check(actor, "identity.authorize_agents", business)
    if agent.pk == business.legal_representative_id:
        raise ValidationError(_("The legal representative already acts for the business."))
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The expiry date has passed.")})
    current = AgentAuthorization.objects.filter(
        business=business, agent=agent, revoked_at__isnull=True
    ).first()
    if current and sorted(current.scopes) == sorted(scopes) and current.expires_on == expires_on:
        return current, "unchanged"
    if current:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
    authorization = AgentAuthorization(
        business=business,
        agent=agent,
        scopes=sorted(set(scopes)),
        expires_on=expires_on,
        granted_by=actor if isinstance(actor, str) else f"identity.account:{actor.pk}",
    )
    authorization.full_clean()
    authorization.save()
    record_event(
        "identity.agent.authorized",
        subject=authorization,
        payload={"agent": agent.pk, "scopes": authorization.scopes, "expires_on": str(expires_on)},
        actor=actor,
        on_behalf_of=business,
    )
    return authorization, "updated" if current else "created"


@transaction.atomic
def revoke_agent(*, actor: Ref, authorization: AgentAuthorization) -> None:
    _check(actor, "identity.authorize_agents", authorization.business)
    if authorization.revoked_at is None:
        authorization.revoked_at = timezone.now()
        authorization.save(update_fields=["revoked_at"])
        record_event(
            "identity.agent.revoked",
            subject=authorization,
            actor=actor,
            on_behalf_of=authorization.business,
        )


# -- single sign-on ----------------------------------------------------------------------


@transaction.atomic
def grant_consent(*, account: Account, application: Application, scopes: list[str]) -> Consent:
    """Remember what the person allowed the application to receive."""
    consent, _made = Consent.objects.get_or_create(account=account, application=application)
    if set(consent.scopes) != set(scopes):
        consent.scopes, consent.granted_at = sorted(set(scopes)), timezone.now()
        consent.save(update_fields=["scopes", "granted_at"])
        record_event(
            "identity.consent.granted",
            subject=consent,
            payload={"application": application.pk, "scopes": consent.scopes},
            actor=account,
        )
    return consent


@transaction.atomic
def revoke_consent(*, account: Account, consent: Consent) -> None:
    """Withdraw consent: the application loses its tokens and must ask again."""
    _check(account, "identity.revoke_consent", consent)
    tokens = AccessToken.objects.filter(user=account, application=consent.application_id)
    for token in tokens:
        token.revoke()
    RefreshToken.objects.filter(
        user=account, application=consent.application_id, revoked__isnull=True
    ).update(revoked=timezone.now())
    record_event(
        "identity.consent.revoked",
        subject=consent,
        payload={"application": consent.application_id},
        actor=account,
    )
    consent.delete()


@transaction.atomic
def create_oidc_client(
    *,
    actor: Ref,
    name: str,
    redirect_uris: list[str],
    confidential: bool,
    post_logout_redirect_uris: list[str] | None = None,
    department: Department | None = None,
    sector: str = "",
) -> tuple[Application, str]:
    """Register a departmental system that signs people in with Tongban (authorization code
    + PKCE, RS256 id_tokens). Subjects are pairwise per client unless `sector` groups
    clients (e.g. a department's systems on one host). Returns the application and its
    client secret in clear (shown once; only a hash is stored), or "" for a public client."""
    _check(actor, "identity.manage_clients")
    if not redirect_uris:
        raise ValidationError({"redirect_uris": _("Give at least one redirect URI.")})
    secret = secrets.token_urlsafe(48) if confidential else ""
    application = Application(
        name=name,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or redirect_uris),
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
    )
    application.full_clean()
    application.save()
    OidcClient.objects.create(
        application=application,
        sector=sector or f"client:{application.client_id}",
        department=department,
    )
    record_event(
        "identity.oidc_client.created",
        subject=application,
        payload={"confidential": confidential},
        actor=actor,
    )
    return application, secret
