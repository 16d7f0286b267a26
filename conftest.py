import os

# pytest-playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread (fixtures, live_server data) are safe because nothing else runs there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["sportello.testing.fixtures", "sportello.testing.workers"]


def pytest_configure(config):
    import logging

    import pytest
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The test suite runs on PostgreSQL: set DATABASE_URL (see README), or run `make test`.", returncode=2
        )

    # Tests read static files through the finders; no collectstatic manifest is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    for chatty in ("mail.log", "django.tasks", "django_tasks_db"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    settings.WHITENOISE_AUTOREFRESH = True
    # Tests open many tickets in a moment as one person; the quotas' own tests set theirs.
    settings.TICKETS_PER_PERSON_PER_HOUR = settings.TICKETS_PER_COMPANY_PER_HOUR = 10_000
    settings.REPLIES_PER_PERSON_PER_HOUR = 10_000
    # Each ticket event's e-mail is written as soon as the tasks run, as with
    # NOTIFICATION_WINDOW_SECONDS=0; the tests of the window (notifications/tests/
    # test_digests.py) set the default two minutes and move the clock.
    settings.NOTIFICATION_WINDOW_SECONDS = 0
    # Fast hashing keeps the suite quick; the Argon2 configuration itself is tested separately.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
