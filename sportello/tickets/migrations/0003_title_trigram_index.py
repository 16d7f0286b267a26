"""A trigram index over the tickets' titles, for the desk's search by title words.

The desk's search is `title__icontains` for each word, which PostgreSQL runs as
`UPPER(title::text) LIKE '%WORD%'`: no B-tree serves that, and over a million tickets a
word found in few titles (or none) read every row, 0.2–0.7 s. pg_trgm's GIN operator class
answers such LIKEs from the index. The index exists only on PostgreSQL (SQLite, the demo's
database, has neither the extension nor GIN), so it is created by SQL here rather than
declared on the model, and built CONCURRENTLY so that a live table keeps taking writes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "ticket_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON tickets_ticket USING gin ((UPPER(title::text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0002_desk_queue_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
