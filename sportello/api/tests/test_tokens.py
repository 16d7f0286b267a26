"""Access tokens: made from the profile and company administration, shown once, kept as a
digest, refused (401) once revoked or expired, limited per minute (429), logged."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from sportello.accounts.models import SecurityEvent
from sportello.api.models import AccessToken, token_digest
from sportello.tenants.models import Membership
from sportello.testing.api import ApiClient, make_token
from sportello.testing.fixtures import PASSWORD, make_ticket, sign_in

pytestmark = pytest.mark.django_db


def test_a_token_made_on_the_profile_is_shown_once_and_stored_as_a_digest(bob, acme):
    client = sign_in(Client(), bob, acme)

    made = client.post("/account/api-tokens/", {"name": "Script IT", "scope": "write", "days": "90"})
    secret = made.context["new_secret"]
    again = client.get("/account/api-tokens/")

    assert made.status_code == 200 and secret in made.text
    token = AccessToken.objects.get()
    assert (token.user, token.tenant, token.kind, token.scope) == (bob, acme, "personal", "write")
    assert token.digest == token_digest(secret) and secret not in str(vars(token).values())
    assert secret not in again.text and token.prefix in again.text
    assert ApiClient(secret).get("/api/v1/me").json()["user"]["name"] == "Bob Bruni"
    assert SecurityEvent.objects.filter(kind="api_token_created", user=bob, tenant=acme).exists()


def test_a_revoked_token_gets_401(bob, acme):
    secret = make_token(bob, acme)
    client = sign_in(Client(), bob, acme)

    client.post(f"/account/api-tokens/{AccessToken.objects.get().public_id}/revoke/")
    response = ApiClient(secret).get("/api/v1/tickets")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:sportello:problem:token-revoked"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert SecurityEvent.objects.filter(kind="api_token_refused", user=bob, channel="api").exists()


def test_an_expired_token_gets_401(bob, acme, clock):
    secret = make_token(bob, acme, days=30)
    assert ApiClient(secret).get("/api/v1/tickets").status_code == 200

    clock.shift(timedelta(days=30, seconds=1))
    response = ApiClient(secret).get("/api/v1/tickets")

    assert response.status_code == 401 and response.json()["type"].endswith(":token-expired")


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer spt_not-a-token", "Basic Ym9iOnNlY3JldA=="])
def test_a_missing_or_unknown_token_gets_401(header, acme, bob):
    make_ticket(acme, bob)
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()

    response = client.get("/api/v1/tickets")

    assert response.status_code == 401
    assert response.json()["type"] in ("urn:sportello:problem:token-missing", "urn:sportello:problem:token-invalid")


def test_a_token_stops_working_when_its_holder_leaves_the_company(bob, acme):
    secret = make_token(bob, acme)
    Membership.objects.filter(user=bob).delete()

    response = ApiClient(secret).get("/api/v1/tickets")

    assert response.status_code == 401 and response.json()["type"].endswith(":token-holder-gone")


def test_a_read_token_cannot_write(bob, acme):
    secret = make_token(bob, acme, scope="read")

    response = ApiClient(secret).post("/api/v1/tickets", {"title": "x"})

    assert response.status_code == 403 and response.json()["type"].endswith(":insufficient-scope")


def test_too_many_requests_get_429_with_retry_after(bob, acme, settings, clock):
    settings.API_REQUESTS_PER_MINUTE = 3
    client = ApiClient(make_token(bob, acme))

    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    refused = client.get("/api/v1/me")

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["type"].endswith(":rate-limited")
    assert 1 <= int(refused["Retry-After"]) <= 60
    clock.shift(timedelta(seconds=int(refused["Retry-After"])))
    assert client.get("/api/v1/me").status_code == 200
    other = ApiClient(make_token(bob, acme))
    assert other.get("/api/v1/me").status_code == 200  # the limit is per token


def test_uses_are_logged_once_per_address_and_period_and_the_last_use_is_kept(bob, acme, clock):
    client = ApiClient(make_token(bob, acme))

    for _ in range(5):
        client.get("/api/v1/me")
    client.get("/api/v1/me", REMOTE_ADDR="192.0.2.9")
    clock.shift(timedelta(minutes=settings.API_TOKEN_LOG_MINUTES))
    client.get("/api/v1/me", REMOTE_ADDR="192.0.2.9")

    uses = SecurityEvent.objects.filter(kind="api_token_used", user=bob).order_by("pk")
    assert [(use.ip_address, use.channel) for use in uses] == [
        ("127.0.0.1", "api"),
        ("192.0.2.9", "api"),
        ("192.0.2.9", "api"),
    ]
    token = AccessToken.objects.get()
    assert token.last_used_ip == "192.0.2.9" and token.last_used_at is not None


def test_a_company_token_is_a_service_account_that_cannot_sign_in(alice, acme, mailbox):
    client = sign_in(Client(), alice, acme)
    made = client.post("/tenant/api/", {"name": "ERP gestionale", "scope": "write", "days": "365"})
    secret = made.context["new_secret"]
    token = AccessToken.objects.get()

    assert token.kind == "company" and token.created_by == alice and token.user != alice
    me = ApiClient(secret).get("/api/v1/me").json()
    assert me["kind"] == "company" and me["user"]["name"].startswith("ERP gestionale")
    assert ApiClient(secret).get("/api/v1/company/users").status_code == 403
    login = Client().post("/account/login/", {"email": token.user.email, "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in Client().session
    opened = ApiClient(secret).post(
        "/api/v1/tickets",
        {"email": alice.email, "request_type": "assistance", "area": "systems", "title": "Errore", "description": "x"},
    )
    assert opened.status_code == 201
    assert not mailbox.to(token.user.email)
    assert mailbox.to(alice.email)  # asked to confirm the address the ERP gave


def test_another_persons_token_cannot_be_revoked(bob, alice, acme):
    make_token(alice, acme)

    response = sign_in(Client(), bob, acme).post(f"/account/api-tokens/{AccessToken.objects.get().public_id}/revoke/")

    assert response.status_code == 404 and AccessToken.objects.get().revoked_at is None


def test_an_operator_makes_a_desk_token(oscar):
    client = sign_in(Client(), oscar)
    secret = client.post("/account/api-tokens/", {"name": "CRM", "scope": "read", "days": "30"}).context["new_secret"]

    assert ApiClient(secret).get("/api/v1/desk/tickets").status_code == 200
    assert AccessToken.objects.get().tenant is None
