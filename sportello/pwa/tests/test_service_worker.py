"""The service worker: how it is served, and what it is allowed to store."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from sportello.pwa import views
from sportello.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db


def _constant(script: str, name: str):
    return json.loads(re.search(rf"^const {name} = (.+);$", script, re.M).group(1))


def test_the_service_worker_is_served_from_the_root_as_fresh_javascript_under_the_csp(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "worker-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "eval(" not in response.text and "new Function" not in response.text and "importScripts" not in response.text


def test_the_service_worker_stores_no_page_but_the_offline_page(client):
    script = client.get("/sw.js").text

    precache = _constant(script, "PRECACHE_URLS")
    pages = [url for url in precache if not url.startswith(settings.STATIC_URL)]
    assert pages == ["/offline/"]
    assert _constant(script, "OFFLINE_URL") == "/offline/"
    assert _constant(script, "STATIC_PREFIX") == settings.STATIC_URL
    for url in precache:
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} does not exist"


def test_the_service_worker_keeps_every_file_the_offline_page_loads(client):
    # The offline page is the shell (base.html) and nothing else: what it loads must be in
    # the cache, or it would show up unstyled just when the network is gone.
    precache = set(_constant(client.get("/sw.js").text, "PRECACHE_URLS"))
    page = client.get("/offline/").text

    scripts = re.findall(r'<script src="([^"]+)"', page)
    links = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', page)

    assert scripts and links
    assert set(scripts + links) <= precache


def test_a_change_to_a_shell_file_renames_the_cache(client, monkeypatch, tmp_path):
    shell_file = tmp_path / "sportello.css"
    monkeypatch.setattr(views.finders, "find", lambda path: str(shell_file))

    shell_file.write_text("body { color: black; }")
    before = _constant(client.get("/sw.js").text, "CACHE_NAME")
    shell_file.write_text("body { color: navy; }")
    after = _constant(client.get("/sw.js").text, "CACHE_NAME")

    assert before != after
    assert before.startswith("sportello-shell-") and after.startswith("sportello-shell-")


def test_without_content_hashed_names_no_other_static_file_is_kept(client):
    # The tests' storage, like development's, names files without their content's hash:
    # a copy kept on first use could go stale, so only the shell (renamed cache) is kept.
    assert _constant(client.get("/sw.js").text, "CACHE_OTHER_STATIC") is False


def test_the_offline_page_speaks_both_languages_and_shows_nobodys_data(alice, acme):
    response = sign_in(Client(), alice, acme).get("/offline/")

    assert response.status_code == 200
    assert '<section lang="it">' in response.text and "Sei offline" in response.text
    assert '<section lang="en">' in response.text and "You are offline" in response.text
    assert alice.email not in response.text and "ACME" not in response.text
