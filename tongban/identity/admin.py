"""Admin pages for identity records. Encrypted values are shown masked in lists."""

from django.contrib import admin

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
    readonly_fields = ("login", "kind", "last_login")


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
