"""Admin pages: operators define licence types; licences and keys are read-only here (they
change only through the services, which sign and record events)."""

from django.contrib import admin

from tongban.core.admin import ServiceBackedAdmin
from tongban.licences.models import DepartmentKey, Licence, LicenceType


@admin.register(LicenceType)
class LicenceTypeAdmin(ServiceBackedAdmin):
    natural_key = "code"
    list_display = ["code", "name", "defining_department", "type_code", "holder_kind"]
    search_fields = ["code", "name", "type_code"]

    def save_related(self, request, form, formsets, change):
        form.save_m2m()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "licence_type", "issuer", "status", "issued_at"]
    list_filter = ["status", "licence_type", "issuer"]
    exclude = ["content", "credential", "wallet_key"]


@admin.register(DepartmentKey)
class DepartmentKeyAdmin(ReadOnlyAdmin):
    list_display = ["department", "kid", "algorithm", "created_at", "retired_at"]
    exclude = ["private_key"]
