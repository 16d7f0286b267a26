"""`manage.py embed_closed_tickets`: stores the meaning of the closed tickets that have none
of the current model yet (those closed before "Già risolto?" existed, or while
SEARCH_MEANING was off, or embedded by a model used before: meaning.MODEL_NAME)."""

from django.core.management.base import BaseCommand, CommandError

from sportello.tickets import meaning
from sportello.tickets.models import Ticket


class Command(BaseCommand):
    help = "Embeds the closed tickets that have no embedding of the current model yet, newest first."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many tickets.")
        parser.add_argument("--batch", type=int, default=32)

    def handle(self, *args, limit=None, batch=32, **options):
        if not meaning.is_available():
            raise CommandError("The embedding model's package is not installed (requirements/base.in).")
        missing = (
            Ticket.objects.closed()
            .exclude(embedding__model=meaning.MODEL_NAME)
            .order_by("-closed_at", "-id")
            .only("tenant_id", "title", "description")
        )
        done = 0
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            tickets = list(missing[:size])
            if not tickets:
                break
            meaning.store_embeddings(tickets)
            done += len(tickets)
            self.stdout.write(f"{done} tickets embedded")
        self.stdout.write(self.style.SUCCESS(f"{done} tickets embedded in all."))
