"""Secure by default: headers, Content Security Policy, production settings, no change on GET."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.urls import resolve

from sportello.testing.access import url_patterns
from sportello.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-8d1f0c6a4e2b9f7d3c5a1e0b8d6f4a2c",
    "SITE_URL": "https://assistenza.example.com",
    "ALLOWED_HOSTS": "assistenza.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "SMTP_HOST": "smtp.example.com",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_cookies_are_secure_and_host_prefixed():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.TRUSTED_DEVICE_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = manage("shell", "--no-imports", "-c", script, env=PRODUCTION_ENV)

    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "__Host-trusted_device",
        "True",
        "True",
        "31536000",
        "True",
    ], result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_passwords_are_hashed_with_argon2():
    assert importlib.import_module("sportello.settings").PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_carry_the_security_headers(client):
    response = client.get("/account/login/")

    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    [
        "/account/login/",
        "/account/password/recover/",
        "/dashboard/",
        "/account/profile/",
        "/tenant/",
        "/tenant/invitations/",
        "/companies/",
    ],
)
def test_every_script_carries_the_nonce_and_no_markup_runs_inline_code(url, alice, acme):
    client = Client() if url.startswith(("/account/login", "/account/password")) else sign_in(Client(), alice, acme)
    response = client.get(url)
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)

    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", response.text), "no inline event handlers"
    assert not re.search(r"\sstyle\s*=", response.text), "no inline styles (CSP style-src 'self')"
    assert "javascript:" not in response.text


def test_no_page_changes_anything_when_read(alice, acme, oscar, victor, live_workers):
    """Every URL without an identifier, read with GET by each kind of person, answers
    without error and writes nothing but the session."""
    written, errors = [], []

    def record(sender, **kwargs):
        if sender.__name__ != "Session":
            written.append(sender.__name__)

    clients = [Client(), sign_in(Client(), alice, acme), sign_in(Client(), oscar), sign_in(Client(), victor)]
    post_save.connect(record, weak=False)
    post_delete.connect(record, weak=False)
    try:
        for client in clients:
            for route in url_patterns():
                if not route.arguments and not route.name.startswith("dev_"):
                    status = client.get("/" + route.route).status_code
                    if status >= 500:
                        errors.append(f"GET /{route.route}: {status}")
    finally:
        post_save.disconnect(record)
        post_delete.disconnect(record)

    assert written == []
    assert errors == []


def test_no_page_of_a_signed_in_person_may_be_stored_by_a_cache(alice, acme, oscar, ticket):
    """ASVS 5.0 V14.3.2: every answer to a signed-in person says no-store (pictures: private),
    except the files that are the same for everybody (the app's manifest, its service worker)."""
    pages = [f"/tickets/{ticket.pk}/", f"/tickets/{ticket.pk}/chat/", "/dashboard/widgets/ticket_list/"]
    stored = []
    for client, extra in ((sign_in(Client(), alice, acme), pages), (sign_in(Client(), oscar), [])):
        urls = ["/" + route.route for route in url_patterns() if not route.arguments] + extra
        for url in urls:
            if resolve(url).func.access_rule == "public" and not url.startswith("/account/"):
                continue
            response = client.get(url)
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control and "private" not in cache_control:
                stored.append(f"{url} ({response.status_code}): {cache_control!r}")
    assert not stored, stored
