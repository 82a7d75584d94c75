"""Admin pages for identity records. Encrypted values are shown masked in lists."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import NotPermitted
from tongban.identity import services
from tongban.identity.models import (
    Account,
    AccountSession,
    AgentAuthorization,
    Business,
    Guardianship,
    Official,
    OfficialRole,
)


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


class OfficialRoleInline(admin.TabularInline):
    model = OfficialRole
    extra = 0


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("account", "department")
    list_filter = ("department",)
    inlines = [OfficialRoleInline]
    list_select_related = ("account", "department")


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("legal_representative",)


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(admin.ModelAdmin):
    list_display = ("business", "agent_id", "scopes", "expires_on", "revoked_at")
    raw_id_fields = ("business", "agent")


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ("guardian_id", "ward_id", "basis", "valid_until", "revoked_at")
    raw_id_fields = ("guardian", "ward")


@admin.register(AccountSession)
class AccountSessionAdmin(admin.ModelAdmin):
    list_display = ("account", "started_at", "last_seen_at", "ended_at", "end_reason")
    list_filter = ("end_reason",)
    fields = ("account", "started_at", "last_seen_at", "client_address", "ended_at", "end_reason")
    readonly_fields = fields
