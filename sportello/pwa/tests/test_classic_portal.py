"""The classic portal's old address says that it was retired, and leads to the new portal (§4)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CLASSIC = "/assistenza/assistenzaUTF.php"


def test_the_classic_address_says_the_classic_portal_is_closed_and_links_to_the_login(client):
    response = client.get(CLASSIC)

    assert response.status_code == 200
    assert "layouts/public.html" in [template.name for template in response.templates]
    assert "Il portale classico è stato chiuso definitivamente il 01/03/2023." in response.text
    assert '<a class="button" href="/account/login/">' in response.text


def test_the_classic_address_keeps_working_with_the_old_query_string(client):
    assert client.get(CLASSIC, {"piva": "00743110157"}).status_code == 200


def test_the_classic_page_is_in_english_for_those_who_choose_english():
    client = Client()
    client.cookies["language"] = "en"

    assert "The classic portal was closed for good on 01/03/2023." in client.get(CLASSIC).text


def test_the_classic_address_answers_only_reads(client):
    assert client.head(CLASSIC).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(CLASSIC).status_code == 405, method
