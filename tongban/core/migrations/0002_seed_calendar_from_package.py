"""Load every year that the chinesecalendar package covers into the working-day calendar.

Reference data installed with the schema (no domain events): later years are entered by
operators through `tongban calendar` or the admin, which do record events."""

from django.db import migrations


def load_package_years(apps, schema_editor):
    from tongban.core.calendar import package_exceptions, package_years

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year in package_years():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarYear.objects.create(year=year, source="chinesecalendar")
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, is_working_day=working, name=name)
            for day, working, name in package_exceptions(year)
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_package_years, migrations.RunPython.noop)]
