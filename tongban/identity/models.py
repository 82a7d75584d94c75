"""One account (一个号): people, businesses, officials, and the accounts they sign in with."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.core import crypto
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import (
    birth_date,
    clean_credit_code,
    clean_id_number,
    mask_id_number,
    mask_phone,
)
from tongban.core.models import Department

AGE_OF_MAJORITY = 18


class AccountManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, login, password=None, **fields):
        account = self.model(login=login, **fields)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(self, login, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, kind=Account.Kind.OFFICIAL)
        return self.create_user(login, password, **fields)


class Account(AbstractBaseUser, PermissionsMixin):
    """The credential a person signs in with: a citizen's, or an official's (工作人员)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        OFFICIAL = "official", _("Official")

    login = models.CharField(_("login"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    display_name = models.CharField(_("display name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(pgettext_lazy("account", "staff status"), default=False)
    date_joined = models.DateTimeField(
        pgettext_lazy("account", "date joined"), default=timezone.now
    )

    objects = AccountManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.login

    @property
    def needs_second_factor(self) -> bool:
        """Officials must sign in with a TOTP code (or a recovery code) after the password."""
        return self.kind == self.Kind.OFFICIAL


class Person(models.Model):
    """A natural person (自然人). May exist without an account (e.g. a newborn, a registry
    subject); the ID number is stored encrypted and found through its blind index."""

    class Assurance(models.IntegerChoices):
        L1 = 1, _("L1 — self-registered")
        L2 = 2, _("L2 — verified against the population registry")
        L3 = 3, _("L3 — verified in person at a counter")

    account = models.OneToOneField(
        Account,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    real_name = EncryptedTextField(_("real name"))
    id_number = EncryptedTextField(_("ID number"))
    id_number_index = models.CharField(
        _("ID number index"), max_length=64, unique=True, editable=False
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(_("phone index"), max_length=64, blank=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    assurance = models.PositiveSmallIntegerField(
        _("assurance level"), choices=Assurance.choices, default=Assurance.L1
    )
    assurance_method = models.CharField(_("verified how"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # A phone number or an email address signs in to at most one account.
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=models.Q(account__isnull=False) & ~models.Q(phone_index=""),
                name="person_phone_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(account__isnull=False) & ~models.Q(email=""),
                name="person_email_once_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name} {self.masked_id_number}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def assurance_method_label(self) -> str:
        """How the level was reached, in words (e.g. "In person at a service counter")."""
        methods = IdentityVerification.Method
        return methods(self.assurance_method).label if self.assurance_method in methods else ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def birth_date(self):
        return birth_date(self.id_number)

    def is_minor(self, on=None) -> bool:
        born, today = self.birth_date, on or timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age < AGE_OF_MAJORITY

    @staticmethod
    def index_for(id_number: str) -> str:
        return crypto.blind_index("id_number", id_number)

    @staticmethod
    def phone_index_for(phone: str) -> str:
        return crypto.blind_index("phone", phone) if phone else ""

    def clean(self) -> None:
        try:
            self.id_number = clean_id_number(self.id_number or "")
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        self.id_number_index = self.index_for(self.id_number)
        self.email = (self.email or "").strip().lower()
        self.phone_index = self.phone_index_for(self.phone or "")


class IdentityVerification(models.Model):
    """One raising of a person's assurance level (实名核验): how, by whom, where, on what basis.

    `Person.assurance` and `assurance_method` hold the current level; these rows are the
    history behind it. Written only by `services.verify_identity`."""

    class Method(models.TextChoices):
        COUNTER = "counter", _("In person at a service counter")
        POPULATION_REGISTRY = "population_registry", _("Against the population registry")
        OPERATOR = "operator", _("By a platform operator")

    class Document(models.TextChoices):
        ID_CARD = "id_card", _("Resident identity card")
        TEMPORARY_ID_CARD = "temporary_id_card", _("Temporary resident identity card")
        HOUSEHOLD_REGISTER = "household_register", _("Household register (for a minor)")

    person = models.ForeignKey(
        Person, models.PROTECT, related_name="verifications", verbose_name=_("person")
    )
    level = models.PositiveSmallIntegerField(_("assurance level"), choices=Person.Assurance.choices)
    method = models.CharField(_("verified how"), max_length=30, choices=Method.choices)
    verified_by = models.ForeignKey(
        Account,
        models.PROTECT,
        related_name="verifications_made",
        verbose_name=_("verified by"),
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    document = models.CharField(
        _("document checked"), max_length=30, choices=Document.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    evidence = models.CharField(_("evidence"), max_length=100, blank=True)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        indexes = [models.Index(fields=["person", "verified_at"], name="verification_person")]

    def __str__(self) -> str:
        return f"{self.person_id} L{self.level} {self.method}"


class Business(models.Model):
    """A legal person (法人), identified by its unified social credit code."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.ForeignKey(
        Person,
        models.PROTECT,
        related_name="represented_businesses",
        verbose_name=_("legal representative"),
    )

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.credit_code = clean_credit_code(self.credit_code or "")
        except ValidationError as error:
            raise ValidationError({"credit_code": error.messages}) from None


class Role(models.TextChoices):
    """What an official may do; checked by policy functions, never by ad-hoc ifs."""

    COUNTER_CLERK = "counter_clerk", _("Counter clerk")
    APPROVER = "approver", _("Approver")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    DATA_ADMIN = "data_admin", _("Department data administrator")
    OPERATOR = "operator", pgettext_lazy("role", "Platform operator")
    AUDITOR = "auditor", _("Auditor")


class Official(models.Model):
    """A member of staff (工作人员) of exactly one department."""

    account = models.OneToOneField(
        Account, models.PROTECT, related_name="official", verbose_name=_("account")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="officials", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return f"{self.account} ({self.department.short_name})"

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.roles.all())


class OfficialRole(models.Model):
    official = models.ForeignKey(
        Official, models.CASCADE, related_name="roles", verbose_name=_("official")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("official role")
        verbose_name_plural = _("official roles")
        constraints = [models.UniqueConstraint(fields=["official", "role"], name="role_once")]

    def __str__(self) -> str:
        return f"{self.official}: {self.get_role_display()}"


class Guardianship(models.Model):
    """A guardian (监护人) acts for a minor (or a person under guardianship) in every service.

    Recorded by a counter clerk from the household register or a court decision; ends at
    `valid_until` (by default the ward's 18th birthday) or when revoked."""

    guardian = models.ForeignKey(
        Person, models.PROTECT, related_name="wards", verbose_name=_("guardian")
    )
    ward = models.ForeignKey(
        Person, models.PROTECT, related_name="guardians", verbose_name=_("ward")
    )
    basis = models.CharField(_("basis"), max_length=100)
    valid_until = models.DateField(_("valid until"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "ward"],
                condition=models.Q(revoked_at__isnull=True),
                name="guardianship_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("ward")), name="guardian_is_not_ward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} → {self.ward_id}"


class AgentScope(models.TextChoices):
    """What an authorized agent (经办人) may do for a business; other apps check these."""

    APPLY = "apply", _("Apply for services and answer requests")
    TRACK = "track", _("Follow applications and read decisions")
    LICENCES = "licences", _("Receive and present electronic licences")
    DATA = "data", _("See who used the business's data")


class AgentAuthorization(models.Model):
    """A business authorizes a person as its agent (经办人): for some scopes, until a date.

    The legal representative holds every scope without an authorization row."""

    business = models.ForeignKey(
        Business, models.PROTECT, related_name="agents", verbose_name=_("business")
    )
    agent = models.ForeignKey(
        Person, models.PROTECT, related_name="agencies", verbose_name=_("agent")
    )
    scopes = models.JSONField(_("scopes"), default=list)
    expires_on = models.DateField(_("expires on"))
    granted_by = models.CharField(_("granted by"), max_length=100)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent authorization")
        verbose_name_plural = _("agent authorizations")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "agent"],
                condition=models.Q(revoked_at__isnull=True),
                name="agent_authorization_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} → {self.business}"

    def clean(self) -> None:
        unknown = set(self.scopes or []) - set(AgentScope.values)
        if not self.scopes or unknown:
            raise ValidationError({"scopes": _("Choose at least one known scope.")})


class AccountSession(models.Model):
    """A signed-in session, so the personal centre can list and end it and disabling an
    account can end all of them. The middleware refuses a session whose row has ended."""

    class EndReason(models.TextChoices):
        LOGOUT = "logout", _("Signed out")
        REVOKED = "revoked", _("Ended from the personal centre")
        IDLE = "idle", _("Idle too long")
        EXPIRED = "expired", _("Reached its maximum lifetime")
        PASSWORD = "password", _("Password changed")
        DISABLED = "disabled", _("Account disabled")

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="sessions", verbose_name=_("account")
    )
    session_key = models.CharField(
        pgettext_lazy("account session", "session key"), max_length=40, unique=True
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=10, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = pgettext_lazy("account session", "session")
        verbose_name_plural = pgettext_lazy("account session", "sessions")
        indexes = [models.Index(fields=["account", "ended_at"], name="session_account_open")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.started_at:%Y-%m-%d %H:%M}"


class OidcClient(models.Model):
    """What Tongban adds to a django-oauth-toolkit application that signs people in: the
    sector its pairwise subject identifiers are computed for, and the department it serves.

    By default each client is its own sector. Clients of one sector (e.g. two systems of one
    department on one host) see the same subject for a person; clients of different sectors
    cannot correlate people."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        models.CASCADE,
        related_name="tongban_client",
        verbose_name=_("application"),
    )
    sector = models.CharField(_("sector"), max_length=255)
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="oidc_clients",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("single sign-on client")
        verbose_name_plural = _("single sign-on clients")

    def __str__(self) -> str:
        return str(self.application)


class Consent(models.Model):
    """The scopes a person allowed an application to receive (authorized applications).

    Consent covering a request skips the consent screen; revoking it also revokes the
    application's tokens."""

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="consents", verbose_name=_("account")
    )
    application = models.ForeignKey(
        "oauth2_provider.Application",
        models.CASCADE,
        related_name="tongban_consents",
        verbose_name=_("application"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["account", "application"], name="consent_once")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.application_id}"

    def covers(self, scopes) -> bool:
        return set(scopes) <= set(self.scopes)
