"""The dashboard: layouts kept per person and company, widgets of the current company only."""

import json

import pytest
from django.test import Client

from sportello.dashboard.models import Dashboard
from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.models import Status

pytestmark = pytest.mark.django_db


def layout(*items):
    return {"layout": json.dumps(list(items))}


def item(kind="ticket_status", **geometry):
    return {"id": "w1", "kind": kind, "x": 0, "y": 0, "w": 6, "h": 4, **geometry}


def test_the_first_dashboard_is_empty_with_add_at_its_centre(client, bob, acme, login):
    login(client, bob, acme)

    page = client.get("/dashboard/").text

    assert 'class="dashboard-empty"' in page and "Aggiungi" in page
    assert "Elenco Ticket" in page and "Stato Ticket" in page
    assert "Ticket per stato" not in page, "the desk's widgets are for operators"


def test_a_layout_is_saved_per_person_and_company(client, bob, acme, globex, login):
    from sportello.tenants.models import Membership

    Membership.objects.create(tenant=globex, user=bob)
    login(client, bob, acme)

    response = client.post("/dashboard/layout/", layout(item(x=3, y=2, w=5, h=3)))

    assert response.status_code == 204
    assert Dashboard.objects.get(user=bob, tenant=acme).items == [item(x=3, y=2, w=5, h=3)]
    page = client.get("/dashboard/").text
    assert 'gs-x="3" gs-y="2" gs-w="5" gs-h="3"' in page
    other = login(Client(), bob, globex).get("/dashboard/").text
    assert 'class="grid-stack-item"' not in other


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        json.dumps([item(kind="desk_status")]),
        json.dumps([item(x=10, w=6)]),
        json.dumps([item(h=0)]),
        json.dumps([item(id="<script>")]),
        json.dumps([{"kind": "ticket_list"}]),
        json.dumps([item()] * 25),
    ],
)
def test_a_bad_layout_is_refused_and_changes_nothing(client, bob, acme, login, bad):
    login(client, bob, acme)
    client.post("/dashboard/layout/", layout(item()))

    response = client.post("/dashboard/layout/", {"layout": bad})

    assert response.status_code == 400
    assert response.json()["errors"]
    assert Dashboard.objects.get(user=bob, tenant=acme).items == [item()]


def test_the_layout_only_changes_by_post(client, bob, acme, login):
    login(client, bob, acme)

    assert client.get("/dashboard/layout/").status_code == 405


def test_the_widgets_of_a_company_never_count_another_companys_tickets(client, bob, eve, acme, globex, login):
    make_ticket(acme, bob, title="Ticket di ACME")
    for title in ("Globex uno", "Globex due", "Globex tre"):
        make_ticket(globex, eve, title=title)
    login(client, bob, acme)

    status = client.get("/dashboard/widgets/ticket_status/").text
    tickets = client.get("/dashboard/widgets/ticket_list/?rows=10").text

    assert '<th scope="row">Non assegnato</th><td>1</td>' in status
    assert 'data-values="1|0|0|0|0"' in status
    assert "Ticket di ACME" in tickets and "Globex" not in tickets


def test_the_ticket_list_widget_shows_as_many_tickets_as_its_size_allows(client, bob, acme, login):
    for number in range(6):
        make_ticket(acme, bob, title=f"Numero {number}")
    closed = make_ticket(acme, bob, title="Chiuso ora")
    from sportello.tickets.models import Ticket

    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    login(client, bob, acme)

    three = client.get("/dashboard/widgets/ticket_list/?rows=3").text

    assert three.count("<li") == 3
    assert 'class="row-closed"' in three, "closed tickets are told apart as in the list"
    assert client.get("/dashboard/widgets/ticket_list/?rows=nonsense").status_code == 200


def test_widgets_refresh_every_minute(client, bob, acme, login):
    login(client, bob, acme)
    client.post("/dashboard/layout/", layout(item()))

    page = client.get("/dashboard/").text

    assert 'hx-trigger="load, every 60s, refresh"' in page


def test_operators_get_the_desk_widgets_and_not_the_customers(client, oscar, bob, eve, acme, globex, login):
    unassigned = make_ticket(acme, bob, area="systems")
    mine = make_ticket(globex, eve, title="Preso da Oscar")
    services.take(oscar, mine)
    login(client, oscar)

    page = client.get("/dashboard/").text
    assert "Ticket per stato" in page and "I miei ticket" in page and "Elenco Ticket" not in page
    assert client.get("/dashboard/widgets/ticket_list/").status_code == 404
    assert "Preso da Oscar" in client.get("/dashboard/widgets/desk_mine/").text
    by_area = client.get("/dashboard/widgets/desk_unassigned_by_area/").text
    assert (
        '<th scope="row"><span title="Richiesta su tematiche di tipo sistemistico" aria-hidden="true">'
        "Sistemistica</span>"
        '<span class="visually-hidden">Richiesta su tematiche di tipo sistemistico</span></th><td>1</td>'
    ) in by_area
    assert unassigned.pk
    assert client.post("/dashboard/layout/", layout(item(kind="desk_status"))).status_code == 204
    assert Dashboard.objects.get(user=oscar, tenant=None).items[0]["kind"] == "desk_status"


def test_customers_cannot_read_the_desk_widgets(client, bob, acme, login):
    login(client, bob, acme)

    desk = ("desk_status", "desk_mine", "desk_unassigned_by_area", "desk_waiting_longest", "desk_deflections")
    for kind in (*desk, "nonexistent"):
        assert client.get(f"/dashboard/widgets/{kind}/").status_code == 404


@pytest.mark.parametrize("kind", ["ticket_list", "ticket_status"])
def test_the_customers_dashboard_and_widgets_take_three_queries(
    client, bob, acme, login, kind, django_assert_num_queries
):
    make_ticket(acme, bob)
    login(client, bob, acme)
    client.post("/dashboard/layout/", layout(item(kind=kind)))

    # session, person with their membership and company, then the layout or the widget's own query
    with django_assert_num_queries(3):
        assert client.get("/dashboard/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get(f"/dashboard/widgets/{kind}/").status_code == 200


@pytest.mark.parametrize(
    "kind", ["desk_status", "desk_mine", "desk_unassigned_by_area", "desk_waiting_longest", "desk_deflections"]
)
def test_the_operators_dashboard_and_widgets_take_three_queries(
    client, oscar, bob, acme, login, kind, django_assert_num_queries
):
    services.take(oscar, make_ticket(acme, bob))
    make_ticket(acme, bob)
    login(client, oscar)
    client.post("/dashboard/layout/", layout(item(kind=kind)))
    client.get(f"/dashboard/widgets/{kind}/")  # the desk's status counts, cached a while

    # session, person, then the layout or the widget's own query (the counts from the cache)
    with django_assert_num_queries(3):
        assert client.get("/dashboard/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get(f"/dashboard/widgets/{kind}/").status_code == 200


def test_operators_see_how_many_requests_the_suggestions_solved(client, oscar, bob, acme, login):
    from datetime import timedelta

    from django.utils import timezone

    from sportello.tickets.models import Deflection

    now = timezone.now()
    for days_ago in (1, 2, 20, 200, 400):
        Deflection.objects.create(tenant=acme, user=bob, created_at=now - timedelta(days=days_ago))
    login(client, oscar)

    counts = client.get("/dashboard/widgets/desk_deflections/").text

    for label, count in (("7 giorni", 2), ("30 giorni", 3), ("12 mesi", 4)):
        assert f"{label}</th><td>{count}</td>" in counts
