"""With CACHE_URL naming a Redis server (README "Configuration"), the shared cache is Redis and
sessions are read from it: a signed-in page costs no session query, and what ends a session
in the database ends it in the cache too. A real redis-server on loopback, never a mock."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sportello.testing.redis import RedisServer


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "sportello-tests",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield
    cache.clear()


def session_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "django_session" in query["sql"]]


def test_a_signed_in_page_reads_its_session_from_the_cache_not_the_database(redis_cache, client, login, acme, bob):
    login(client, bob, acme)
    client.get(reverse("tickets:list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tickets:list")).status_code == 200
    assert session_queries(queries.captured_queries) == []


def test_without_redis_the_session_is_read_from_the_database(client, login, acme, bob):
    login(client, bob, acme)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tickets:list")).status_code == 200
    assert len(session_queries(queries.captured_queries)) == 1


def test_signing_out_ends_the_session_in_the_cache_too(redis_cache, client, login, acme, bob):
    login(client, bob, acme)
    assert client.get(reverse("tickets:list")).status_code == 200
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deactivated_person_is_signed_out_although_their_session_is_cached(redis_cache, client, login, acme, bob):
    login(client, bob, acme)
    assert client.get(reverse("tickets:list")).status_code == 200
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert client.get(reverse("tickets:list")).status_code == 302


def test_a_cache_url_that_is_not_redis_is_refused_at_start():
    env = {**os.environ, "CACHE_URL": "memcached://127.0.0.1:11211", "DJANGO_SETTINGS_MODULE": "sportello.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr
