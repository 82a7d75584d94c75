"""One account (一个号): people, businesses, officials, and the accounts they sign in with."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import clean_credit_code, clean_id_number, mask_id_number
from tongban.core.models import Department


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
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.login


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
    email = models.EmailField(_("email"), blank=True)
    assurance = models.PositiveSmallIntegerField(
        _("assurance level"), choices=Assurance.choices, default=Assurance.L1
    )
    assurance_method = models.CharField(_("verified how"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.real_name} {self.masked_id_number}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @staticmethod
    def index_for(id_number: str) -> str:
        return crypto.blind_index("id_number", id_number)

    def clean(self) -> None:
        try:
            self.id_number = clean_id_number(self.id_number or "")
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        self.id_number_index = self.index_for(self.id_number)


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
    OPERATOR = "operator", _("Platform operator")
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
