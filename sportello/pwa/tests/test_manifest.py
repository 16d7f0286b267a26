"""The web app manifest that makes the portal installable as an app (§4)."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db

STYLESHEET = Path(settings.BASE_DIR) / "sportello" / "static" / "css" / "sportello.css"


def _static_file(url: str) -> str:
    assert url.startswith(settings.STATIC_URL), url
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file"
    return path


def test_the_manifest_is_served_as_json_with_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Sportello"
    assert manifest["short_name"] == "Sportello"
    assert manifest["start_url"] == "/dashboard/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == "#0b5cab"
    assert manifest["lang"] == "it"
    assert manifest["description"].startswith("Il portale di assistenza clienti")


def test_the_manifest_icons_exist_as_png_of_their_stated_sizes(client):
    icons = client.get("/manifest.webmanifest").json()["icons"]

    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(_static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert "x".join(map(str, image.size)) == icon["sizes"]
            corner = image.convert("RGBA").getpixel((0, 0))
            if icon["purpose"] == "maskable":
                assert corner == (11, 92, 171, 255), "a maskable icon fills its whole square"
            else:
                assert corner[3] == 0, "the rounded square leaves its corners transparent"


def test_the_theme_colour_is_the_stylesheets_blue_and_every_page_links_the_manifest(client):
    blue = re.search(r"--blue:\s*(#[0-9a-f]{6});", STYLESHEET.read_text()).group(1)
    page = client.get("/account/login/").text

    assert client.get("/manifest.webmanifest").json()["theme_color"] == blue
    assert f'<meta name="theme-color" content="{blue}">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
