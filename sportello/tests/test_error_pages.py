"""Every error page is a page of the portal, in the person's language, with a way back
(issue 15 item 10): 400, 403, 404, 429, 500, 503 and a form refused by the CSRF check."""

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from sportello import errors
from sportello.urls import urlpatterns as portal_urlpatterns

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("the view broke")


# The portal's URLs and one that breaks, with the portal's handlers (read from the root URLconf).
urlpatterns = [*portal_urlpatterns, path("broken/", broken_view)]
handler400, handler403 = errors.bad_request, errors.permission_denied
handler404, handler500 = errors.page_not_found, errors.server_error


def assert_portal_page(response, status: int, title: str, *, language="it"):
    page = response.text
    assert response.status_code == status
    assert f'<html lang="{language}">' in page
    assert f"<title>{title} · Sportello</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert 'href="/"' in page, "a way back to the home page"
    assert 'href="/static/css/sportello.css"' in page


def test_a_technician_opening_company_administration_gets_the_portals_403_page(client, bob, acme, login):
    login(client, bob, acme)

    response = client.get("/tenant/", HTTP_REFERER="http://testserver/tickets/")

    assert_portal_page(response, 403, "Accesso negato")
    assert "Errore 403" in response.text and "chiedi all&#x27;amministratore della tua azienda" in response.text
    assert '<a class="button button-secondary" href="http://testserver/tickets/">' in response.text


def test_the_403_page_speaks_the_language_the_person_chose(client, bob, acme, login):
    bob.language = "en"
    bob.save()
    login(client, bob, acme)

    assert_portal_page(client.get("/tenant/"), 403, "Access denied", language="en")


def test_the_way_back_never_leads_to_another_site(client, bob, acme, login):
    login(client, bob, acme)

    page = client.get("/tenant/", HTTP_REFERER="https://evil.example.com/").text

    assert "evil.example.com" not in page and "Torna alla pagina precedente" not in page


def test_an_unknown_address_gets_the_portals_404_page(client):
    assert_portal_page(client.get("/no-such-page/"), 404, "Pagina non trovata")


def test_a_request_for_another_host_gets_the_portals_400_page(client):
    assert_portal_page(client.get("/account/login/", HTTP_HOST="evil.example.com"), 400, "Richiesta non valida")


@pytest.mark.urls(__name__)
def test_a_broken_page_gets_the_portals_500_page():
    client = Client(raise_request_exception=False)

    assert_portal_page(client.get("/broken/"), 500, "Si è verificato un errore")


@pytest.mark.urls(__name__)
def test_when_even_the_500_page_breaks_a_plain_page_says_it_in_the_persons_language(monkeypatch):
    def broken_render(*args, **kwargs):
        raise RuntimeError("the template broke too")

    monkeypatch.setattr(errors, "render", broken_render)
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "<h1>Si è verificato un errore</h1>" in response.text


def test_a_form_refused_by_the_csrf_check_gets_a_page_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/account/login/", {"email": "a@b.c"}, HTTP_REFERER="http://testserver/account/login/")

    assert_portal_page(response, 403, "La pagina è scaduta")
    assert "ricarica la pagina e riprova" in response.text
    assert 'href="http://testserver/account/login/"' in response.text


@pytest.mark.parametrize(
    ("status", "title"), [(429, "Troppe richieste"), (503, "Portale non disponibile"), (400, "Richiesta non valida")]
)
def test_the_pages_views_answer_with_for_other_codes_are_portal_pages(status, title):
    request = RequestFactory().get("/")

    assert_portal_page(errors.error_page(request, status), status, title)
