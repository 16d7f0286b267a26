"""The manual's "Nuova richiesta di assistenza", and the ERP's deep link to it (R6, R13)."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sportello.testing.fixtures import PASSWORD, make_ticket
from sportello.tickets.models import Attachment, Message, Priority, Status, Ticket

pytestmark = pytest.mark.django_db
NEW = "/tickets/new/"
MB = 1024 * 1024


def ticket_data(**overrides):
    data = {
        "email": "bob@acme.example.com",
        "phone": "",
        "contact_preference": "web",
        "request_type": "assistance",
        "area": "administrative",
        "priority": str(Priority.NORMAL.value),
        "title": "Domanda su esito Fattura Elettronica",
        "description": "Buongiorno, ricevo uno scarto sulla fattura F/1025.\nGrazie.",
    }
    data.update(overrides)
    return data


def test_the_form_shows_the_company_the_person_and_the_manuals_fields_in_order(client, bob, acme, login):
    login(client, bob, acme)

    page = client.get(NEW).text

    assert "ACME S.r.l." in page and "IT00743110157" in page and "Bob Bruni" in page
    assert 'value="bob@acme.example.com"' in page
    labels = [
        "E-mail",
        "Numero di telefono",
        "Preferenza contatto",
        "Tipologia di richiesta",
        "Area applicativa",
        "Urgenza della richiesta",
        "Titolo Ticket",
        "Descrizione Ticket",
        "Allegati",
    ]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    for text in (
        "Invia Ticket",
        "Richiesta di appuntamento (a pagamento)",
        "Bloccante",
        "Normale",
        "Fatturazione Elettronica",
        "Risposta tramite portale",
        "impedisce",
    ):
        assert text in page


def test_without_a_name_the_form_shows_the_account_email(client, bob, acme, login):
    bob.first_name = bob.last_name = ""
    bob.save()
    login(client, bob, acme)

    assert "bob@acme.example.com" in client.get(NEW).text.split("Utente", 1)[1][:300]


def test_sending_opens_a_numbered_ticket_with_the_description_as_first_message(client, bob, acme, login, mailbox):
    login(client, bob, acme)

    response = client.post(NEW, ticket_data())

    ticket = Ticket.objects.get()
    assert response.url == f"/tickets/{ticket.pk}/"
    assert (ticket.tenant, ticket.requester, ticket.contact_person) == (acme, bob, bob)
    assert ticket.get_status_display() == "Non assegnato"
    [first] = Message.objects.filter(ticket=ticket)
    assert first.body == ticket.description
    assert f"#{ticket.pk}" in client.get(response.url).text


def test_the_phone_is_required_only_when_calling_is_preferred(client, bob, acme, login):
    login(client, bob, acme)

    refused = client.post(NEW, ticket_data(contact_preference="phone", phone=""))
    assert refused.status_code == 400
    assert "numero di telefono" in refused.text
    assert not Ticket.objects.exists()

    assert client.post(NEW, ticket_data(contact_preference="phone", phone="+39 02 123456")).status_code == 302
    assert Ticket.objects.get().phone == "+39 02 123456"


@pytest.mark.parametrize("missing", ["email", "request_type", "area", "priority", "title", "description"])
def test_each_required_field_is_required(client, bob, acme, login, missing):
    login(client, bob, acme)

    response = client.post(NEW, ticket_data(**{missing: ""}))

    assert response.status_code == 400
    assert "Questo campo è obbligatorio" in response.text
    assert not Ticket.objects.exists()


def test_several_attachments_are_stored_under_random_names(client, bob, acme, login):
    login(client, bob, acme)
    files = [
        SimpleUploadedFile("../../etc/passwd verbale.pdf", b"%PDF-1.4 a"),
        SimpleUploadedFile("screen.png", b"\x89PNG b"),
    ]

    client.post(NEW, {**ticket_data(), "attachments": files})

    stored = list(Attachment.objects.order_by("pk"))
    assert [a.original_name for a in stored] == ["passwd verbale.pdf", "screen.png"]
    for attachment in stored:
        assert attachment.original_name not in attachment.file.name
        assert attachment.file.name.startswith("attachments/")
    assert stored[0].file.read() == b"%PDF-1.4 a"


def test_a_file_of_4_mb_is_refused_and_nothing_is_stored(client, bob, acme, login, media_root):
    login(client, bob, acme)
    too_big = SimpleUploadedFile("big.zip", b"x" * (4 * MB))
    fine = SimpleUploadedFile("small.txt", b"ok")

    response = client.post(NEW, {**ticket_data(), "attachments": [fine, too_big]})

    assert response.status_code == 400
    assert "big.zip" in response.text and "inferiori a 4 MB" in response.text
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_file_just_under_4_mb_is_accepted(client, bob, acme, login):
    login(client, bob, acme)

    client.post(NEW, {**ticket_data(), "attachments": [SimpleUploadedFile("almost.bin", b"x" * (4 * MB - 1))]})

    assert Attachment.objects.get().size == 4 * MB - 1


def test_markup_in_the_title_and_description_arrives_as_text(client, bob, acme, login):
    login(client, bob, acme)

    client.post(NEW, ticket_data(title="<script>alert('t')</script>", description="<img src=x onerror=alert(1)>"))

    page = client.get(f"/tickets/{Ticket.objects.get().pk}/").text
    assert "<script>alert('t')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_erp_deep_link_prefills_the_form_and_keeps_its_facts_with_the_ticket(client, bob, acme, login):
    login(client, bob, acme)
    link = NEW + "?program=BNVEBOLL&version=2024.1&error=Errore%20%3Cb%3E42%3C%2Fb%3E%0Ariga%202"

    page = client.get(link)

    assert "BNVEBOLL" in page.text and "2024.1" in page.text
    assert "<b>42</b>" not in page.text and "&lt;b&gt;42&lt;/b&gt;" in page.text
    client.post(NEW, ticket_data(erp_program="BNVEBOLL", erp_version="2024.1", erp_error="Errore <b>42</b>\nriga 2"))
    ticket = Ticket.objects.get()
    assert (ticket.erp_program, ticket.erp_version, ticket.erp_error) == (
        "BNVEBOLL",
        "2024.1",
        "Errore <b>42</b>\nriga 2",
    )


def test_deep_link_parameters_are_cut_to_their_limits(client, bob, acme, login):
    login(client, bob, acme)

    page = client.get(NEW, {"program": "P" * 500, "version": "V" * 500, "error": "E" * 5000}).text
    page = page[page.index('class="notice notice-info erp-context"') : page.index('name="email"')]

    assert "P" * 100 in page and "P" * 101 not in page
    assert "V" * 50 in page and "V" * 51 not in page
    assert "E" * 2000 in page and "E" * 2001 not in page
    refused = client.post(NEW, ticket_data(erp_program="P" * 101))
    assert refused.status_code == 400


def test_the_deep_link_survives_the_login_and_the_second_factor(client, bob, acme, mailbox):
    link = NEW + "?program=BNVEBOLL&version=2024.1&error=Stampa+fallita"

    to_login = client.get(link)
    assert to_login.url.startswith("/account/login/?next=")
    client.post("/account/login/", {"email": bob.email, "password": PASSWORD, "next": link})
    landing = client.post("/account/login/code/", {"code": mailbox.code(bob.email)})
    final = client.get(landing.url)

    assert final.url == link
    page = client.get(final.url).text
    assert "BNVEBOLL" in page and "Stampa fallita" in page


def test_a_follow_up_of_an_old_closed_ticket_cites_its_number(client, bob, acme, login):
    old = make_ticket(acme, bob)
    login(client, bob, acme)

    page = client.get(NEW, {"related": old.pk}).text
    client.post(NEW, ticket_data(related=old.pk))

    assert f"#{old.pk}" in page
    assert Ticket.objects.exclude(pk=old.pk).get().related_ticket == old


def test_a_follow_up_dates_the_closing_in_the_portals_time_zone(client, bob, acme, login):
    # 23:30 UTC on 14 March is 00:30 on the 15th in Rome (TIME_ZONE): the day the person saw.
    old = make_ticket(acme, bob)
    Ticket.objects.filter(pk=old.pk).update(status=Status.CLOSED, closed_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    login(client, bob, acme)

    page = client.get(NEW, {"related": old.pk}).text

    assert "15/03/2026" in page and "14/03/2026" not in page


def test_a_follow_up_cannot_cite_another_companys_ticket(client, bob, acme, eve, globex, login):
    foreign = make_ticket(globex, eve, title="Segreto di Globex")
    login(client, bob, acme)

    page = client.get(NEW, {"related": foreign.pk}).text
    client.post(NEW, ticket_data(related=foreign.pk))

    assert "Segreto di Globex" not in page
    assert Ticket.objects.get(tenant=acme).related_ticket is None


def test_only_members_working_for_a_company_open_tickets(client, oscar, bob, login):
    assert Client().get(NEW).url.startswith("/account/login/")
    login(client, bob)
    assert client.get(NEW).url.startswith("/companies/start/")
    assert login(Client(), oscar).get(NEW).status_code == 302
