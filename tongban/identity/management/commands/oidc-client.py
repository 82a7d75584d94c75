"""`tongban oidc-client create --name N --redirect-uri U [--confidential]`: register a system
that signs people in with Tongban; prints its client id (and secret, shown only now)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tongban.core.models import Department
from tongban.identity import services


class Command(BaseCommand):
    help = "Manage single sign-on (OpenID Connect) clients."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="register a new client")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="a redirect URI (repeat for several)",
        )
        create.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            dest="post_logout_redirect_uris",
            help="where RP-initiated logout may return (default: the redirect URIs)",
        )
        create.add_argument(
            "--confidential",
            action="store_true",
            help="a server-side client with a secret (default: public, PKCE only)",
        )
        create.add_argument("--department", help="credit code of the department it serves")
        create.add_argument("--sector", default="", help="share pairwise subjects with this sector")

    def handle(self, *, action, **options):
        department = None
        if options["department"]:
            department = Department.objects.filter(credit_code=options["department"]).first()
            if department is None:
                raise CommandError(f"no department with credit code {options['department']}")
        try:
            application, secret = services.create_oidc_client(
                actor="system:cli",
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                confidential=options["confidential"],
                department=department,
                sector=options["sector"],
            )
        except ValidationError as error:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise CommandError(problems) from None
        self.stdout.write(f"client_id={application.client_id}")
        if secret:
            self.stdout.write(f"client_secret={secret}")
            self.stdout.write("The secret is shown only now; Tongban keeps only its hash.")
