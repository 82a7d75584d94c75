"""Admin pages for operators. Every save goes through a service, so it records its event."""

from django.contrib import admin

from tongban.core import services
from tongban.core.models import CalendarDay, CalendarYear, Department, Event, Region


class ServiceBackedAdmin(admin.ModelAdmin):
    """Saves through `services.save_record`; deletion is not offered (records are referenced).

    `natural_key` names the field that finds the row when it is created."""

    natural_key = "pk"

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            lookup = {"pk": obj.pk}
            values = {name: form.cleaned_data[name] for name in form.changed_data}
        else:
            lookup = {self.natural_key: form.cleaned_data[self.natural_key]}
            values = {k: v for k, v in form.cleaned_data.items() if k != self.natural_key}
        saved, _status = services.save_record(
            type(obj), lookup=lookup, values=values, actor=request.user
        )
        obj.pk = saved.pk


@admin.register(Region)
class RegionAdmin(ServiceBackedAdmin):
    natural_key = "code"
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ServiceBackedAdmin):
    natural_key = "credit_code"
    list_display = ["name", "short_name", "credit_code", "region", "kind"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "short_name", "credit_code"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.set_calendar_year(
            year=obj.year, exceptions=[], source=CalendarYear.Source.OPERATOR, actor=request.user
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        services.save_calendar_day(
            date=obj.date, is_working_day=obj.is_working_day, name=obj.name, actor=request.user
        )

    def delete_model(self, request, obj):
        services.remove_calendar_day(day=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            services.remove_calendar_day(day=day, actor=request.user)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The outbox is read-only: events are never edited or deleted."""

    list_display = ["id", "kind", "subject_type", "subject_id", "actor", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["subject_id", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
