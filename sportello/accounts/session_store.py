"""Sessions kept in the database as Django's `db` backend keeps them (SESSION_ENGINE when the
shared cache is not Redis), read back by a statement written once per process.

Reading the session is the first thing every signed-in request does, and the ORM spent
five times as long building `Session.objects.get(session_key=…, expire_date__gt=now)` as
the database spent answering it. Everything else (writing, expiring, cycling the key,
clearing) is Django's."""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions; a session missing or expired reads as none, as there."""

    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(_select(self.model, using), [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])


@cache
def _select(model, using: str) -> str:
    quote = connections[using].ops.quote_name
    fields = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    # Only the model's own names, quoted; the values are parameters.
    return (
        f"SELECT {fields['session_data']} FROM {quote(model._meta.db_table)}"  # noqa: S608
        f" WHERE {fields['session_key']} = %s AND {fields['expire_date']} > %s"
    )
