"""`tongban rotate-licence-key CREDIT_CODE`: retire a department's signing key, make a new one."""

from django.core.management.base import BaseCommand, CommandError

from tongban.core.models import Department
from tongban.licences import services


class Command(BaseCommand):
    help = "Rotate an issuing department's licence signing key (old licences keep verifying)."

    def add_arguments(self, parser):
        parser.add_argument("credit_code", help="the department's unified social credit code")

    def handle(self, *args, credit_code: str, **options):
        department = Department.objects.filter(credit_code=credit_code).first()
        if department is None:
            raise CommandError(f"no department with credit code {credit_code}")
        key = services.rotate_department_key(department=department, actor="system:cli")
        self.stdout.write(f"{department.name}: new {key.algorithm} key {key.kid}")
