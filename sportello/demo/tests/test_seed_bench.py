"""`manage.py seed_bench` at a tiny size: the counts asked for, consistent rows, and pages
that answer for the people it creates."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Count

from sportello.accounts.models import User
from sportello.demo.management.commands.seed_bench import BENCH_PASSWORD
from sportello.desk.models import OperatorArea
from sportello.tenants.models import Membership, Tenant
from sportello.testing.fixtures import make_ticket
from sportello.tickets.models import Attachment, Message, Status, Ticket

pytestmark = pytest.mark.django_db

SIZES = {
    "companies": 5,
    "users": 20,
    "operators": 4,
    "tickets": 80,
    "messages": 700,
    "long_tickets": 2,
    "long_ticket_messages": 200,
    "attachments": 30,
}


def seed(*flags, **overrides):
    options = {**SIZES, **overrides}
    out = StringIO()
    arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    # The embeddings take seconds even at this size: only their own test computes them.
    call_command("seed_bench", *arguments, "--seed=3", *(flags or ["--no-embeddings"]), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_writes_exactly_the_sizes_asked_for_and_reports_its_progress():
    output = seed()

    assert Tenant.objects.count() == 5
    assert User.objects.filter(is_operator=False).count() == 20
    assert User.objects.filter(is_operator=True).count() == 4
    assert Ticket.objects.count() == 80
    assert Message.objects.count() == 700
    assert Attachment.objects.count() == 30
    long = Message.objects.values("ticket").annotate(n=Count("id")).filter(n=200)
    assert long.count() == 2
    assert "tickets 80/80" in output and "rows/s" in output and BENCH_PASSWORD in output


def test_its_rows_are_consistent():
    seed()

    assert Membership.objects.count() == 20
    assert not Tenant.objects.filter(memberships=None).exists(), "every company has a user"
    assert OperatorArea.objects.exists()
    for ticket in Ticket.objects.all():
        assert ticket.summary and ticket.description.startswith(ticket.summary.rstrip("…"))
        assert (ticket.closed_at is not None) == (ticket.status == Status.CLOSED)
        assert (ticket.assignee_id is None) == (ticket.status == Status.UNASSIGNED)
        assert ticket.last_reply_at >= ticket.created_at
        assert Membership.objects.filter(tenant=ticket.tenant_id, user=ticket.requester_id).exists()
        if ticket.status in (Status.CLOSED, Status.POSTPONED):
            assert ticket.awaiting_vendor_since is None
    assert not Message.objects.filter(kind="reply", body_html="").exists(), "HTML rendered once, when written"
    attachment = Attachment.objects.select_related("message").first()
    assert default_storage.exists(attachment.file.name)
    assert default_storage.size(attachment.file.name) == attachment.size
    assert attachment.tenant_id == attachment.message.tenant_id
    user = User.objects.filter(is_operator=False).first()
    assert user.check_password(BENCH_PASSWORD) and user.is_activated


def test_the_list_the_detail_and_the_queue_answer_for_seeded_people(client, login):
    seed()
    long_ids = Message.objects.values("ticket").annotate(n=Count("id")).filter(n=200).values_list("ticket", flat=True)
    long_ticket = Ticket.objects.get(pk=long_ids.order_by("ticket").first())
    member = Membership.objects.filter(tenant=long_ticket.tenant_id).select_related("user", "tenant").first()
    login(client, member.user, member.tenant)

    assert client.get("/tickets/").status_code == 200
    found = client.get("/tickets/", {"number": long_ticket.pk})
    assert found.status_code == 200 and f'href="/tickets/{long_ticket.pk}/"' in found.text
    detail = client.get(f"/tickets/{long_ticket.pk}/")
    assert detail.status_code == 200
    assert detail.text.count('<li class="chat-') == 200

    login(client, User.objects.filter(is_operator=True).first())
    assert client.get("/desk/").status_code == 200
    assert client.get("/desk/?state=closed&sort=priority").status_code == 200


def test_numbers_go_on_after_the_seeded_ones():
    seed()
    member = Membership.objects.select_related("user", "tenant").first()

    assert make_ticket(member.tenant, member.user).pk == 81


def test_it_refuses_to_add_to_existing_data_unless_asked_to_reset():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed()

    call_command("seed_bench", "--reset", "--companies=2", "--users=3", "--operators=1", "--tickets=5",
                 "--messages=9", "--long-tickets=0", "--attachments=0", stdout=StringIO())  # fmt: skip
    assert Ticket.objects.count() == 5 and Tenant.objects.count() == 2 and Message.objects.count() == 9


def test_sizes_that_cannot_add_up_are_refused():
    with pytest.raises(CommandError, match="--messages must be at least"):
        seed(messages=100)
    with pytest.raises(CommandError, match="--users must be at least --companies"):
        seed(users=3)


def test_every_closed_ticket_has_the_embedding_its_closing_would_have_stored():
    import numpy as np

    from sportello.tickets import meaning
    from sportello.tickets.models import TicketEmbedding

    if not meaning.is_available():
        pytest.fail("the model's package is a base requirement: the seed embeds the closed tickets' questions with it")
    seed("--reset", tickets=20, messages=40, long_tickets=0, attachments=5)

    closed = Ticket.objects.filter(status=Status.CLOSED)
    assert closed.exists()
    stored = dict(TicketEmbedding.objects.values_list("ticket_id", "vector"))
    assert set(stored) == set(closed.values_list("pk", flat=True))
    ticket = closed.first()
    expected = meaning.embed_passages([meaning.question_of(ticket.title, ticket.description)])[0]
    assert np.allclose(np.frombuffer(stored[ticket.pk], dtype="<f4"), expected, atol=1e-5)
