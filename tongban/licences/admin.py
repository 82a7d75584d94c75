"""Admin pages: operators define licence types; licences and keys are read-only here (they
change only through the services, which sign and record events)."""

from django.contrib import admin

from tongban.licences import services
from tongban.licences.models import DepartmentKey, Licence, LicenceType


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    """Saves through `define_licence_type`, which assigns the GB/T 36904 type code."""

    list_display = ["code", "name", "defining_department", "type_code", "holder_kind"]
    search_fields = ["code", "name", "type_code"]

    def get_readonly_fields(self, request, obj=None):
        return ["type_code", "code"] if obj else ["type_code"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved, _status = services.define_licence_type(
            code=obj.code,
            name=data["name"],
            defining_department=data["defining_department"],
            issuing_departments=list(data["issuing_departments"]),
            holder_kind=data["holder_kind"],
            field_schema=data["field_schema"],
            validity_years=data["validity_years"],
            age_thresholds=data["age_thresholds"],
            layout=data["layout"],
            actor=request.user,
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service set the issuing departments already."""


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
