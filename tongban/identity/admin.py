"""Admin pages for identity records. Encrypted values are shown masked in lists.

Writes go through the services, so their checks run and their events are recorded:
officials (with their roles) and businesses are saved by `save_official` / `save_business`.
Agent authorizations and guardianships are read-only here: the legal representative
authorizes agents in the personal centre, and a counter clerk records guardianship from
documents (`services.record_guardianship`)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import NotPermitted
from tongban.identity import services
from tongban.identity.models import (
    Account,
    AccountSession,
    AgentAuthorization,
    Business,
    Guardianship,
    IdentityVerification,
    Official,
    Role,
)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("login", "display_name", "kind", "is_active", "is_staff")
    list_filter = ("kind", "is_active", "is_staff")
    search_fields = ("login", "display_name")
    fields = ("login", "display_name", "kind", "is_active", "is_staff", "last_login")
    readonly_fields = ("login", "kind", "is_active", "is_staff", "last_login")
    actions = ["disable"]

    @admin.action(description=_("Disable the selected accounts and end their sessions"))
    def disable(self, request, queryset):
        """Through the service, so sessions and tokens end with the account."""
        try:
            for account in queryset.filter(is_active=True):
                services.disable_account(actor=request.user, account=account)
        except NotPermitted:
            self.message_user(
                request, _("Only platform operators disable accounts."), messages.ERROR
            )


class OfficialForm(forms.ModelForm):
    """An official with their login, name, department and roles, saved by `save_official`.
    The login is fixed once created; the first password is set here and changed by the
    official (who enrols an authenticator at the first sign-in)."""

    login = forms.CharField(label=_("login"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=100)
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the official in person; they change it after signing in."),
    )

    class Meta:
        model = Official
        fields = ["department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            account = self.instance.account
            self.fields["login"].disabled = True
            self.initial |= {
                "login": account.login,
                "display_name": account.display_name,
                "roles": list(self.instance.roles.values_list("role", flat=True)),
            }
            del self.fields["password"]

    def clean(self):
        data = super().clean()
        login = data.get("login", "")
        try:
            services.check_official(login=login, roles=data.get("roles", []))
        except ValidationError as error:
            _add_errors(self, error)
        if not self.instance.pk:
            if Account.objects.filter(login=login).exists():
                self.add_error("login", _("This login is taken: change that official instead."))
            if data.get("password"):
                try:
                    password_validation.validate_password(
                        data["password"],
                        Account(login=login, display_name=data.get("display_name", "")),
                    )
                except ValidationError as error:
                    self.add_error("password", error)
        return data


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    """Officials and their roles, saved through `services.save_official` (event recorded)."""

    form = OfficialForm
    list_display = ("account", "department", "role_list")
    list_filter = ("department",)
    list_select_related = ("account", "department")
    search_fields = ("account__login", "account__display_name")

    def get_fields(self, request, obj=None):
        return ["login", "display_name", "department", "roles"] + ([] if obj else ["password"])

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("roles"))
    def role_list(self, official):
        return "、".join(str(role.get_role_display()) for role in official.roles.all())

    def has_delete_permission(self, request, obj=None):
        return False  # an official is referenced by their work; remove their roles instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        official, _status = services.save_official(
            actor=request.user,
            login=obj.account.login if change else data["login"],
            display_name=data["display_name"],
            department=data["department"],
            roles=list(data["roles"]),
            password=None if change else data["password"],
        )
        obj.pk, obj.account, obj.department = official.pk, official.account, official.department

    def save_related(self, request, form, formsets, change):
        """Nothing: `save_official` already set the roles."""


class BusinessForm(forms.ModelForm):
    class Meta:
        model = Business
        fields = ["name", "credit_code", "legal_representative"]

    def clean(self):
        data = super().clean()
        try:
            services.check_business(
                credit_code=data.get("credit_code") or self.instance.credit_code,
                name=data.get("name", ""),
                legal_representative=data.get("legal_representative"),
            )
        except ValidationError as error:
            _add_errors(self, error)
        return data


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    """Businesses, saved through `services.save_business` (event recorded). The credit
    code identifies the business and is fixed once created."""

    form = BusinessForm
    list_display = ("name", "credit_code")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("legal_representative",)

    def get_readonly_fields(self, request, obj=None):
        return ("credit_code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        business, _status = services.save_business(
            actor=request.user,
            credit_code=obj.credit_code,
            name=form.cleaned_data["name"],
            legal_representative=form.cleaned_data["legal_representative"],
        )
        obj.pk = business.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to operators, written elsewhere through a service."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(ReadOnlyAdmin):
    """Authorized by the business's legal representative in the personal centre."""

    list_display = ("business", "agent_id", "scopes", "expires_on", "revoked_at")
    list_select_related = ("business",)


@admin.register(Guardianship)
class GuardianshipAdmin(ReadOnlyAdmin):
    """Recorded by a counter clerk from the household register or a court decision."""

    list_display = ("guardian_id", "ward_id", "basis", "valid_until", "revoked_at")


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdmin):
    """Recorded at the workbench (counter, operator) and by the registry check."""

    list_display = ("person_id", "level", "method", "department", "verified_by", "verified_at")
    list_filter = ("method", "level")
    list_select_related = ("department", "verified_by")


@admin.register(AccountSession)
class AccountSessionAdmin(admin.ModelAdmin):
    list_display = ("account", "started_at", "last_seen_at", "ended_at", "end_reason")
    list_filter = ("end_reason",)
    fields = ("account", "started_at", "last_seen_at", "client_address", "ended_at", "end_reason")
    readonly_fields = fields
