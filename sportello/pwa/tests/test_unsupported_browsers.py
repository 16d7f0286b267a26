"""Browsers that cannot run the portal get the manual's page with the two ways out (§4)."""

import pytest
from django.test import Client

from sportello.pwa.browsers import MINIMUM_VERSIONS, Browser, unsupported_browser
from sportello.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db

IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
EDGE_18 = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582"
)
CHROME_CURRENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)
MANUAL_TEXT = [
    "Utilizzo di un Browser non supportato",
    "Ci sono due soluzioni non esclusive:",
    "Creare il collegamento al portale di assistenza sul desktop",
    "sarà necessario utilizzare l'app (icona sul desktop) per aprire i ticket",
    "Previa autorizzazione/supporto del proprio sistemista, cambiare il browser predefinito",
    "si potranno aprire i ticket direttamente da dentro Business",
    "Come installare il portale sul desktop",
    "(Google Chrome o Microsoft Edge)",
    "Premere l'icona presente a destra all'interno della barra di ricerca",
    "Confermare l'installazione",
    "Apparirà così il logo del portale di assistenza sul desktop",
]


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (IE_11, Browser("Internet Explorer", "11")),
        ("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", Browser("Internet Explorer", "8")),
        # IE 11 in compatibility view says "MSIE 7.0"; its Trident token gives it away.
        ("Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0)", Browser("Internet Explorer", "11")),
        (EDGE_18, Browser("Microsoft Edge", "18")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/89.0.4389.90 Safari/537.36 Edg/89.0.774.63",
            Browser("Edge", "89"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/89.0.4389.90 Safari/537.36",
            Browser("Chrome", "89"),
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:89.0) Gecko/20100101 Firefox/89.0", Browser("Firefox", "89")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/13.1 Safari/605.1.15",
            Browser("Safari", "13"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 13_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/13.0.5 Mobile/15E148 Safari/604.1",
            Browser("Mobile Safari", "13"),
        ),
    ],
)
def test_it_recognises_browsers_that_cannot_run_the_portal(user_agent, expected):
    assert unsupported_browser(user_agent) == expected


@pytest.mark.parametrize(
    "user_agent",
    [
        CHROME_CURRENT,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/90.0.4430.85 Safari/537.36 Edg/90.0.818.46",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/14.0 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36",
        "curl/8.5.0",
        "",
    ],
)
def test_current_unknown_and_missing_user_agents_are_let_through(user_agent):
    assert unsupported_browser(user_agent) is None


def test_the_minimum_versions_are_those_the_portal_is_built_for():
    assert {family: MINIMUM_VERSIONS[family] for family in ("Chrome", "Chromium", "Edge", "Firefox", "Safari")} == {
        "Chrome": 90,
        "Chromium": 90,
        "Edge": 90,
        "Firefox": 90,
        "Safari": 14,
    }


@pytest.mark.parametrize("user_agent", [IE_11, EDGE_18], ids=["ie11", "edge18"])
@pytest.mark.parametrize("url", ["/account/login/", "/dashboard/"])
def test_old_browsers_get_the_manuals_page_instead_of_any_page(user_agent, url):
    response = Client(headers={"user-agent": user_agent}).get(url)

    assert response.status_code == 200
    assert "pwa/unsupported_browser.html" in [template.name for template in response.templates]
    for text in MANUAL_TEXT:
        assert text in response.text, text
    assert "Sign in to the support portal" not in response.text and 'name="password"' not in response.text
    assert "User-Agent" in response["Vary"]
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"]


def test_the_page_names_the_browser_in_use_and_the_supported_ones(settings):
    settings.SITE_URL = "https://assistenza.example.com"

    response = Client(headers={"user-agent": IE_11}).get("/dashboard/")

    assert "Il portale di assistenza non può funzionare con il browser in uso (Internet Explorer 11)." in response.text
    assert "Google Chrome (versione 90 o successiva)" in response.text
    portal = "https://assistenza.example.com/dashboard/"
    assert f'<a href="{portal}">{portal}</a>' in response.text, "the address to open in a supported browser"


def test_a_signed_in_person_with_an_old_browser_gets_the_page_too(alice, acme):
    client = sign_in(Client(headers={"user-agent": EDGE_18}), alice, acme)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert "Utilizzo di un Browser non supportato" in response.text
    assert "Benvenuto" not in response.text


def test_a_current_browser_gets_the_normal_pages():
    client = Client(headers={"user-agent": CHROME_CURRENT})

    response = client.get("/account/login/")

    assert response.status_code == 200
    assert "accounts/login.html" in [template.name for template in response.templates]
    assert "Accedi al portale di assistenza" in response.text
    assert "User-Agent" in response["Vary"]
    assert client.get("/dashboard/").status_code == 302


def test_static_files_and_the_portals_plumbing_still_answer_an_old_browser():
    client = Client(headers={"user-agent": IE_11})

    stylesheet = client.get("/static/css/sportello.css")
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"].startswith("text/css")
    assert b"".join(stylesheet.streaming_content).startswith(b"/* Sportello")
    assert client.get("/static/pwa/icon-192.png")["Content-Type"] == "image/png"
    assert client.get("/healthz")["Content-Type"] == "application/json"
    assert client.get("/manifest.webmanifest")["Content-Type"] == "application/manifest+json"
    assert client.get("/sw.js")["Content-Type"] == "text/javascript"
    assert "Il portale classico è stato chiuso" in client.get("/assistenza/assistenzaUTF.php").text


def test_the_page_has_an_address_of_its_own_for_any_browser():
    for user_agent in (IE_11, CHROME_CURRENT):
        response = Client(headers={"user-agent": user_agent}).get("/browser-not-supported/")
        assert response.status_code == 200
        assert "Ci sono due soluzioni non esclusive:" in response.text
    assert "browser in uso" not in Client(headers={"user-agent": CHROME_CURRENT}).get("/browser-not-supported/").text


def test_the_page_is_in_english_for_those_who_choose_english():
    client = Client(headers={"user-agent": IE_11})

    response = client.post("/account/language/", {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302, "the page's language form works in an old browser"
    page = client.get(response.url)

    assert "There are two solutions, which do not exclude each other:" in page.text
    assert "With the authorisation and support of your systems administrator, change the default browser" in page.text


def test_the_page_explains_without_scripts_or_forms():
    response = Client(headers={"user-agent": IE_11}).get("/account/login/")
    content = response.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]

    assert "<script" not in content
    assert "<form" not in content, "nothing to fill in: the page only explains"
