"""`manage.py run_lmtp`: the LMTP server that takes the mail server's deliveries for the
support address (sportello.mailin.lmtp). Run it under a supervisor, beside the workers."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sportello.mailin import lmtp


class Command(BaseCommand):
    help = "Receives incoming e-mail over LMTP from the mail server and stores it for the workers."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.INBOUND_LMTP_HOST, help="Address to listen on.")
        parser.add_argument("--port", type=int, default=settings.INBOUND_LMTP_PORT, help="Port to listen on.")

    def handle(self, *, host: str, port: int, **options) -> None:
        lmtp.serve(host, port, ready=lambda: self.stdout.write(f"LMTP intake ready on {host}:{port}", ending="\n"))
