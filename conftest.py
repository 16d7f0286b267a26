import os

import pytest

# pytest-playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread (fixtures, live_server data) are safe because nothing else runs there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["sportello.testing.fixtures", "sportello.testing.workers", "sportello.testing.reports"]

# Browser tests live in files named *_browser.py; they get the `browser` marker here, so
# that `-m "not browser"` (`make test-fast`) leaves them out without a marker in each file.
BROWSER_FILE_SUFFIX = "_browser.py"
# The longest modules, started first: with pytest-xdist sending whole files to its workers
# (`--dist loadfile`), the run ends sooner when the long ones do not come last.
LONGEST_FILES = ("test_scale_out.py",)
APPLICATION_NAME = f"sportello-tests {os.getpid()}"


def pytest_configure(config):
    import logging

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The test suite runs on PostgreSQL: set DATABASE_URL (see README), or run `make test`.", returncode=2
        )

    # Every request closes its database connection: the live server's threads would otherwise
    # keep theirs open past the test, and dropping the test database at the end would find
    # it "being accessed by other users".
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # This process's connections are told from those of the worker processes and servers
    # it starts (django_db_setup below).
    settings.DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = APPLICATION_NAME

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
    config.pluginmanager.register(LongestFirst(), "sportello-longest-first")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name.endswith(BROWSER_FILE_SUFFIX):
            item.add_marker(pytest.mark.browser)


class LongestFirst:
    @pytest.hookimpl(trylast=True)  # after pytest-django's order (database tests, transactional ones, the rest)
    def pytest_collection_modifyitems(self, items):
        # The longest files first; they use no test database, so Django's order stays right.
        items.sort(key=lambda item: item.path.name not in LONGEST_FILES)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database. At the end of the run, before it is dropped, other
    sessions on it get 10 s to end (a server thread ending its request, a worker process
    stopping). Then this process's own connections still open are closed: under
    pytest-xdist one was left idle after the last test's ROLLBACK, out of reach of
    `connections.close_all()` here (most likely opened under another context: asgiref
    keeps Django's connections per context). Any other session still open is named in a
    warning and ended too, so that the database is dropped rather than left behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        leftovers = [
            session for session in _other_sessions_after(connection, seconds=10) if session[0] != APPLICATION_NAME
        ]
        if leftovers:
            import warnings

            warnings.warn(f"sessions left open on the test database, now ended: {leftovers}", stacklevel=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


def _other_sessions_after(connection, seconds: float) -> list[tuple]:
    """The other sessions on this connection's database after up to `seconds` of waiting
    for those of other processes to end: (application name, state, start of the last
    query, the query)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT application_name, state, query_start, left(query, 200) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            sessions = cursor.fetchall()
        if all(session[0] == APPLICATION_NAME for session in sessions) or time.monotonic() >= deadline:
            return sessions
        time.sleep(0.1)
