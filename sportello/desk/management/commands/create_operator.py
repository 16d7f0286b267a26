"""`manage.py create_operator someone@vendor.example.com --first-name … --areas systems --admin`"""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from sportello.accounts.models import normalize_email_address
from sportello.desk import services
from sportello.lib.audit import COMMAND_LINE
from sportello.lib.errors import RuleViolation
from sportello.tickets.models import Area


class Command(BaseCommand):
    help = (
        "Invites one of the vendor's operators (a vendor administrator with --admin): the same "
        'invitation e-mail as the desk\'s "Operators" page, with temporary credentials.'
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mail address of the operator (the login).")
        parser.add_argument("--first-name", default="", help="First name (the operator may change it at first access).")
        parser.add_argument("--last-name", default="", help="Last name.")
        parser.add_argument(
            "--areas",
            default="",
            help=f"Application areas served, comma-separated, among {', '.join(Area.values)}; none: every area.",
        )
        parser.add_argument("--admin", action="store_true", help="A vendor administrator (companies, operators).")

    def handle(self, *args, email, first_name, last_name, areas, admin, **options):
        email = normalize_email_address(email)
        try:
            validate_email(email)
        except Exception:  # noqa: BLE001 - Django's ValidationError, said plainly
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        chosen = [area.strip() for area in areas.split(",") if area.strip()]
        unknown = sorted(set(chosen) - set(Area.values))
        if unknown:
            raise CommandError(f"Unknown areas: {', '.join(unknown)}; choose among {', '.join(Area.values)}.")
        try:
            with transaction.atomic():
                operator = services.invite_operator(
                    None,
                    email,
                    is_vendor_admin=admin,
                    areas=chosen,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    audit=COMMAND_LINE,
                )
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        role = "vendor administrator" if admin else "operator"
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {operator.email} as {role}; the temporary credentials are on their way by e-mail."
            )
        )
