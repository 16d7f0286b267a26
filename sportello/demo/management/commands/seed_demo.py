"""`manage.py seed_demo`: the demo's people and data, loaded once, then the logins printed."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sportello.accounts.models import User
from sportello.tenants.models import Membership, Role, Tenant
from sportello.tickets import services as tickets
from sportello.tickets.models import Area, ContactPreference, Priority, RequestType, Status

DEMO_PASSWORD = "Sportello-demo-2026"
VENDOR_ADMIN = "admin@sportello.example.com"
OPERATOR = "operatore@sportello.example.com"
TENANT_ADMIN = "amministratore@acme.example.com"
TECHNICIAN = "tecnico@acme.example.com"


class Command(BaseCommand):
    help = "Loads the demo data once (operators, a company with an administrator and a technician, tickets)."

    def handle(self, *args, **options):
        if User.objects.filter(email=VENDOR_ADMIN).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _load(self):
        now = timezone.now()

        def person(email, first, last, **fields):
            return User.objects.create_user(
                email,
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                activated_at=now,
                privacy_accepted_at=now,
                privacy_version=settings.PRIVACY_NOTICE_VERSION,
                **fields,
            )

        person(VENDOR_ADMIN, "Vera", "Rossi", is_operator=True, is_staff=True, is_superuser=True)
        person(OPERATOR, "Marco", "Bianchi", is_operator=True)
        acme = Tenant.objects.create(name="ACME S.r.l.", vat_number="IT00743110157")
        administrator = person(TENANT_ADMIN, "Anna", "Verdi", phone="+39 02 1234567")
        technician = person(TECHNICIAN, "Luca", "Neri", phone="+39 02 7654321")
        Membership.objects.create(tenant=acme, user=administrator, role=Role.ADMINISTRATOR)
        Membership.objects.create(tenant=acme, user=technician, role=Role.TECHNICIAN)
        self._tickets(acme, administrator, technician, User.objects.get(email=OPERATOR))

    def _tickets(self, tenant, administrator, technician, operator):
        """A handful of tickets in every state, as customers and operators would leave them."""

        def open_ticket(requester, title, description, **fields):
            data = {
                "email": requester.email,
                "phone": requester.phone,
                "contact_preference": ContactPreference.WEB,
                "request_type": RequestType.ASSISTANCE,
                "area": Area.ADMINISTRATIVE,
                "priority": Priority.NORMAL,
                "title": title,
                "description": description,
                **fields,
            }
            return tickets.open_ticket(requester, tenant, data=data)

        open_ticket(
            technician,
            "Domanda su esito Fattura Elettronica",
            'Buongiorno, apro il programma consolle fattura elettronica, lancio la funzione "controlla status '
            "fatture\" e ricevo uno scarto sulla fattura emessa F/1025. C'è un modo per verificare la motivazione "
            "di scarto? Grazie.",
        )
        taken = open_ticket(
            administrator,
            "Stampa DDT bloccata",
            "Non riesco a emettere il DDT per una spedizione che deve partire ora.",
            priority=Priority.BLOCKING,
            area=Area.MANAGEMENT,
        )
        tickets.take(operator, taken)
        tickets.reply_as_operator(operator, taken, body="Buongiorno, ci colleghiamo in remoto tra 5 minuti.")
        waiting = open_ticket(
            technician,
            "Registri IVA non quadrano",
            "I registri IVA di ottobre non quadrano con le liquidazioni.",
            priority=Priority.HIGH,
        )
        tickets.reply_as_operator(operator, waiting, body="Ci può inviare la stampa della liquidazione?")
        tickets.change_status(operator, waiting, Status.POSTPONED)
        closed = open_ticket(
            administrator,
            "Antivirus blocca l'aggiornamento",
            "Dopo l'aggiornamento l'antivirus blocca il programma.",
            area=Area.SYSTEMS,
            request_type=RequestType.APPOINTMENT,
        )
        tickets.reply_as_operator(operator, closed, body="Abbiamo aggiunto l'eccezione: ora funziona.")
        tickets.change_status(operator, closed, Status.CLOSED)

    def _print_logins(self):
        self.stdout.write(
            f"""
Demo logins (password for all: {DEMO_PASSWORD}):
  {VENDOR_ADMIN:36} vendor administrator and operator
  {OPERATOR:36} operator
  {TENANT_ADMIN:36} administrator of ACME S.r.l.
  {TECHNICIAN:36} technician of ACME S.r.l.
Every sign-in asks for a code sent by e-mail: read it at http://127.0.0.1:8000/dev/emails/
"""
        )
