"""`tongban exchange-client`: register a departmental system with the exchange, or give one a
new secret. The secret is printed once; the platform keeps only its hash."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tongban.core.models import Department
from tongban.exchange import services
from tongban.exchange.models import SystemClient

ACTOR = "system:exchange-client-command"


class Command(BaseCommand):
    help = "Register an exchange system client (OAuth 2 client credentials) or rotate its secret."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        register = actions.add_parser("register", help="register a departmental system")
        register.add_argument("--department", required=True, help="the department's credit code")
        register.add_argument("--name", required=True, help="the system's name")
        register.add_argument(
            "--mediator-id", required=True, help="INSTANCE/CLASS/MEMBER/SUBSYSTEM"
        )
        register.add_argument("--rate-limit", type=int, default=600, help="calls per minute")
        rotate = actions.add_parser("rotate", help="give a system a new secret")
        rotate.add_argument("client_id", help="the system's OAuth client id")

    def handle(self, *, action, **options):
        try:
            if action == "register":
                department = Department.objects.filter(credit_code=options["department"]).first()
                if department is None:
                    raise CommandError(f"no department has credit code {options['department']}")
                client, secret = services.register_system_client(
                    actor=ACTOR,
                    department=department,
                    name=options["name"],
                    mediator_id=options["mediator_id"],
                    rate_limit_per_minute=options["rate_limit"],
                )
            else:
                client = SystemClient.objects.filter(
                    application__client_id=options["client_id"]
                ).first()
                if client is None:
                    raise CommandError(f"no system client has client id {options['client_id']}")
                secret = services.rotate_client_secret(actor=ACTOR, client=client)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"client_id={client.application.client_id}")
        self.stdout.write(f"client_secret={secret}")
        self.stdout.write("Keep the secret now: it is not shown again.")
