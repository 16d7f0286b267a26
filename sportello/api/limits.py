"""The per-token request limit: API_REQUESTS_PER_MINUTE in each minute's window.

The counter is a row of the rate limits' own table (sportello.ratelimits.Counter), shared
by every web process and host. Counting is one statement (an upsert that also restarts
an expired window), since it runs on every request: ratelimits.Quota's lock, read and
write would be three round trips.
"""

import math
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sportello.ratelimits.models import Counter

WINDOW = timedelta(minutes=1)


def take(token_id: int, now=None) -> int:
    """Counts one request of the token `token_id`; returns 0 when it may go ahead, else
    the seconds until its window ends (the request is refused, and counted all the same)."""
    now = now or timezone.now()
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s)
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END,
                expires_at = CASE WHEN {table}.expires_at <= %s THEN excluded.expires_at ELSE {table}.expires_at END
            RETURNING count, expires_at
            """,  # noqa: S608 - the table's name is the model's, not input
            [f"api-token:{token_id}", *(connection.ops.adapt_datetimefield_value(t) for t in (now + WINDOW, now, now))],
        )
        count, expires_at = cursor.fetchone()
    if count <= settings.API_REQUESTS_PER_MINUTE:
        return 0
    if isinstance(expires_at, str):  # SQLite hands back text or a naive datetime, in UTC
        expires_at = parse_datetime(expires_at)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, UTC)
    return max(math.ceil((expires_at - now).total_seconds()), 1)
