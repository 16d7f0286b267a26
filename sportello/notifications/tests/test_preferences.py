"""Each person chooses which notifications they receive (issue 15, item 9; issue 14, item
12): every recurring notification carries a one-click unsubscribe (RFC 8058) that needs no
session, and leads to the same choices signed-in people reach from their profile. The
e-mails a person asks for are never optional."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client

from sportello.accounts import emails as account_emails
from sportello.notifications.models import Category, RecipientPreference
from sportello.notifications.services import unsubscribe_url
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets import services as tickets
from sportello.tickets.models import Status

pytestmark = pytest.mark.django_db

SITE = "https://assistenza.example.it"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def one_click_link(mail) -> str:
    value = mail.message["List-Unsubscribe"]
    assert value.startswith(f"<{SITE}/notifications/unsubscribe/") and value.endswith("/>")
    return value[1:-1].removeprefix(SITE)


def test_ticket_notifications_carry_a_one_click_unsubscribe_and_sign_in_emails_do_not(bob, oscar, ticket, mailbox):
    tickets.reply_as_operator(oscar, ticket, body="Eccoci")
    account_emails.send_login_code(bob, "654321")

    reply = mailbox.last(bob.email, "Nuova risposta")
    raw = dict(reply.message.raw_items())
    assert "=?" not in raw["List-Unsubscribe"] and "\n" not in raw["List-Unsubscribe"], "one line, a plain URL"
    assert reply.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = one_click_link(reply)
    assert SITE + link in reply.text and SITE + link in reply.html, "the same link at the foot"
    code = mailbox.last(bob.email, "codice")
    assert code.message["List-Unsubscribe"] is None and code.message["List-Unsubscribe-Post"] is None
    assert "/notifications/unsubscribe/" not in code.text


def test_each_recipient_has_a_link_of_their_own(acme, bob, alice, oscar, ticket, mailbox):
    tickets.reply_as_customer(bob, ticket, body="Alice segue", contact_person=alice)
    tickets.reply_as_operator(oscar, ticket, body="A entrambi")

    links = {one_click_link(mailbox.last(person.email, "Nuova risposta")) for person in (alice, bob)}

    assert len(links) == 2
    assert alice.email not in mailbox.last(bob.email, "Nuova risposta").text


def test_a_one_click_post_unsubscribes_without_a_session_or_a_csrf_token(bob, oscar, ticket, mailbox):
    tickets.reply_as_operator(oscar, ticket, body="Prima")
    link = one_click_link(mailbox.last(bob.email, "Nuova risposta"))

    answer = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 200
    assert "non riceve più queste e-mail: Risposte del reparto di assistenza" in answer.text
    assert RecipientPreference.objects.get(email=bob.email).muted == [Category.OPERATOR_REPLY]
    before = len(mailbox.to(bob.email))
    tickets.reply_as_operator(oscar, ticket, body="Seconda")
    tickets.change_status(oscar, ticket, Status.POSTPONED)
    assert [mail.subject for mail in mailbox.to(bob.email)[before:]] == [
        f"Il ticket #{ticket.pk} ora è “Rinviato”: {ticket.title}"
    ], "no more replies; the other notifications still come"


def test_opening_the_link_changes_nothing_and_shows_the_choices(bob, oscar, ticket, mailbox):
    tickets.reply_as_operator(oscar, ticket, body="Eccoci")
    link = one_click_link(mailbox.last(bob.email, "Nuova risposta"))

    page = Client().get(link)

    assert page.status_code == 200
    assert bob.email in page.text and "Non ricevere più queste e-mail: Risposte del reparto di assistenza" in page.text
    for category in (Category.TICKET_OPENED, Category.OPERATOR_REPLY, Category.STATUS_CHANGED, Category.TICKET_CLOSED):
        assert f'value="{category.value}"' in page.text
    assert Category.NEW_TICKET.value not in page.text, "a customer's choices only"
    assert not RecipientPreference.objects.exists()


def test_the_links_page_saves_the_choices_without_a_session(bob):
    link = unsubscribe_url(bob.email, [Category.OPERATOR_REPLY]).removeprefix(SITE)
    client = Client(enforce_csrf_checks=True)

    saved = client.post(link, {"receive": [Category.OPERATOR_REPLY, Category.TICKET_CLOSED]})

    assert saved.status_code == 302 and saved.url == link
    assert set(RecipientPreference.objects.get(email=bob.email).muted) == {
        Category.TICKET_OPENED,
        Category.STATUS_CHANGED,
    }
    page = client.get(link)
    assert "Le tue scelte sono state salvate." in page.text
    assert f'value="{Category.OPERATOR_REPLY.value}" id="id_receive_1" checked' in page.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_altered_link_changes_nothing(bob, method, settings):
    genuine = unsubscribe_url(bob.email, [Category.OPERATOR_REPLY]).removeprefix(SITE)
    token = genuine.split("/")[-2]
    other_key = signing.dumps(
        [bob.email, "operator_reply"], key="another-key", salt="sportello.notifications.unsubscribe"
    )
    forged_payload = signing.dumps(["eve@globex.example.com", "operator_reply"]).split(":")[0]
    forgeries = [
        genuine.replace(token, token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")),
        genuine.replace(token, other_key),
        genuine.replace(token, forged_payload + token[token.index(":") :]),
        "/notifications/unsubscribe/not-a-token/",
    ]

    for link in forgeries:
        answer = getattr(Client(), method)(link, {"List-Unsubscribe": "One-Click"} if method == "post" else {})
        assert answer.status_code == 400, link
        assert "Questo link non è valido" in answer.text
    assert not RecipientPreference.objects.exists()


def test_a_choice_that_is_not_offered_is_refused_with_a_message_and_changes_nothing(bob, acme):
    client = sign_in(Client(), bob, acme)

    answer = client.post("/account/notifications/", {"receive": ["new_ticket", "nonsense"]})

    assert answer.status_code == 400
    assert "non è tra quelle disponibili" in answer.text
    assert not RecipientPreference.objects.exists()


def test_signed_in_people_choose_from_their_profile_among_their_own_categories(bob, oscar, acme):
    customer = sign_in(Client(), bob, acme)
    assert 'href="/account/notifications/"' in customer.get("/account/profile/").text
    page = customer.get("/account/notifications/")
    assert page.status_code == 200 and "Risposte del reparto di assistenza" in page.text
    assert "Nuovi ticket delle mie aree" not in page.text

    operator = sign_in(Client(), oscar)
    page = operator.get("/account/notifications/")
    assert "Nuovi ticket delle mie aree" in page.text and "Risposte del reparto di assistenza" not in page.text
    saved = operator.post("/account/notifications/", {"receive": [Category.CUSTOMER_REPLY, Category.ASSIGNED]})

    assert saved.status_code == 302
    assert set(RecipientPreference.objects.get(email=oscar.email).muted) == {
        Category.NEW_TICKET,
        Category.UNASSIGNED_REPLY,
    }
    assert not RecipientPreference.objects.filter(email=bob.email).exists()


def test_the_choice_pages_run_a_fixed_number_of_queries(bob, acme, django_assert_num_queries):
    RecipientPreference.objects.create(email=bob.email, muted=[Category.STATUS_CHANGED])
    signed_in = sign_in(Client(), bob, acme)
    link = unsubscribe_url(bob.email, [Category.OPERATOR_REPLY]).removeprefix(SITE)

    # session, user with their membership (the company of the menu), the choices
    with django_assert_num_queries(3):
        assert signed_in.get("/account/notifications/").status_code == 200
    # the account of the address (customer or operator), the choices
    with django_assert_num_queries(2):
        assert Client().get(link).status_code == 200


def test_sign_in_emails_reach_someone_who_turned_every_notification_off(bob, mailbox):
    RecipientPreference.objects.create(email=bob.email, muted=Category.values)

    account_emails.send_login_code(bob, "111222")
    account_emails.send_password_reset(bob, "/account/password/reset/x/y/")

    assert len(mailbox.to(bob.email)) == 2


# --- each category is honoured ------------------------------------------------------------


def open_ticket(p):
    make_ticket(p["acme"], p["bob"])


def operator_reply(p):
    tickets.reply_as_operator(p["oscar"], p["ticket"], body="Risposta")


def taken(p):
    tickets.take(p["oscar"], p["ticket"])


def closed(p):
    tickets.change_status(p["oscar"], p["ticket"], Status.CLOSED)


def customer_reply_on_my_ticket(p):
    tickets.take(p["oscar"], p["ticket"])
    p["clock"].shift(timedelta(minutes=1))  # Oscar has seen the ticket before the customer's reply
    tickets.reply_as_customer(p["bob"], p["ticket"], body="Novità")


def customer_reply_on_an_unassigned_ticket(p):
    tickets.reply_as_customer(p["bob"], p["ticket"], body="Novità")


def assigned_by_a_colleague(p):
    tickets.assign(p["victor"], p["ticket"], p["oscar"])


CATEGORIES = {
    Category.TICKET_OPENED: ("bob", open_ticket),
    Category.OPERATOR_REPLY: ("bob", operator_reply),
    Category.STATUS_CHANGED: ("bob", taken),
    Category.TICKET_CLOSED: ("bob", closed),
    Category.NEW_TICKET: ("oscar", open_ticket),
    Category.CUSTOMER_REPLY: ("oscar", customer_reply_on_my_ticket),
    Category.UNASSIGNED_REPLY: ("oscar", customer_reply_on_an_unassigned_ticket),
    Category.ASSIGNED: ("oscar", assigned_by_a_colleague),
}


@pytest.mark.parametrize("muted", [False, True], ids=["receives", "muted"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_is_sent_unless_its_recipient_chose_not_to_receive_it(
    category, muted, acme, bob, oscar, victor, ticket, mailbox, clock
):
    recipient, event = CATEGORIES[category]
    people = {"acme": acme, "bob": bob, "oscar": oscar, "victor": victor, "ticket": ticket, "clock": clock}
    address = people[recipient].email
    if muted:
        RecipientPreference.objects.create(email=address, muted=[category])
    before = len(mailbox.to(address))

    event(people)

    received = mailbox.to(address)[before:]
    assert len(received) == (0 if muted else 1), [mail.subject for mail in received]
    if not muted:
        link = one_click_link(received[0])
        assert Client().post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
        assert category in RecipientPreference.objects.get(email=address).muted
