"""`manage.py invite_tenant --name "ACME S.r.l." --vat IT… --admin-email someone@example.com`"""

from django.core.management.base import BaseCommand, CommandError

from sportello.lib.audit import COMMAND_LINE
from sportello.tenants import services
from sportello.tenants.forms import TenantForm


class Command(BaseCommand):
    help = "Creates a customer company and invites its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Company name (ragione sociale).")
        parser.add_argument(
            "--vat", required=True, help="Partita IVA: Italian, or another EU VAT number with its prefix."
        )
        parser.add_argument("--admin-email", required=True, help="E-mail address of the first administrator.")

    def handle(self, *args, name, vat, admin_email, **options):
        form = TenantForm({"name": name, "vat_number": vat, "admin_email": admin_email})
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            raise CommandError(problems)
        data = form.cleaned_data
        try:
            tenant = services.onboard_tenant(
                None,
                name=data["name"],
                vat_number=data["vat_number"],
                admin_email=data["admin_email"],
                audit=COMMAND_LINE,
            )
        except services.TenancyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {tenant.name} ({tenant.vat_number}) and invited {data['admin_email']} as administrator."
            )
        )
