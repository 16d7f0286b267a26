"""A ticket read for its page (tickets.reading): its people and company as select_related()
reads them, by SQL the ORM writes once per process, and 404 for another company's or a
number no ticket has."""

from sportello.accounts.models import User
from sportello.testing.compiled import models_compiled
from sportello.tickets.models import Ticket
from sportello.tickets.reading import contact_choices, ticket_of_any_company, ticket_of_company


def test_a_ticket_comes_with_its_people_as_select_related_reads_them(acme, bob, alice, oscar, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(contact_person=alice, assignee=oscar)
    expected = Ticket.objects.select_related("tenant", "requester", "contact_person", "assignee").get(pk=ticket.pk)

    for found in (ticket_of_company(acme, ticket.pk), ticket_of_any_company(ticket.pk)):
        assert [getattr(found, f.attname) for f in Ticket._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in Ticket._meta.concrete_fields
        ]
        assert Ticket._meta.get_field("assignee").is_cached(found)
        assert (found.requester, found.contact_person, found.assignee, found.tenant) == (bob, alice, oscar, acme)
        assert found.assignee.display_name == oscar.display_name and not found._state.adding


def test_a_ticket_with_no_operator_has_none(acme, ticket, django_assert_num_queries):
    found = ticket_of_company(acme, ticket.pk)

    with django_assert_num_queries(0):
        assert found.assignee is None


def test_another_companys_ticket_or_no_ticket_is_none(acme, globex, ticket):
    assert ticket_of_company(globex, ticket.pk) is None
    assert ticket_of_company(acme, ticket.pk + 1) is None
    assert ticket_of_any_company(ticket.pk + 1) is None
    assert ticket_of_any_company(2**70) is None


def test_the_pages_ticket_sql_is_written_once_per_process(client, bob, acme, oscar, ticket, login):
    login(client, bob, acme)
    client.get(f"/tickets/{ticket.pk}/")
    assert Ticket not in models_compiled(client, f"/tickets/{ticket.pk}/chat/")

    login(client, oscar)
    client.get(f"/desk/tickets/{ticket.pk}/chat/")
    assert Ticket not in models_compiled(client, f"/desk/tickets/{ticket.pk}/chat/")


def test_a_number_no_ticket_has_answers_404(client, bob, acme, oscar, ticket, login):
    login(client, bob, acme)
    assert client.get(f"/tickets/{2**70}/").status_code == 404

    login(client, oscar)
    assert client.get(f"/desk/tickets/{2**70}/").status_code == 404


def test_the_contact_persons_options_are_the_companys_people_by_name(acme, alice, bob, eve, ticket):
    assert contact_choices(ticket) == ticket.possible_contact_people().name_choices()
    assert [name for _pk, name in contact_choices(ticket)] == ["Alice Amato", "Bob Bruni"]


def test_the_ticket_pages_sql_is_written_once_per_process(client, bob, acme, ticket, login):
    login(client, bob, acme)
    client.get(f"/tickets/{ticket.pk}/")

    assert User not in models_compiled(client, f"/tickets/{ticket.pk}/")
