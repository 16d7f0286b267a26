"""The words of a ticket's messages kept on the ticket itself (issue 19, docs/performance.md).

Searching the messages through their own index meant, at a million tickets, reading every
matching message row (a GIN index cannot give its ticket without the row) and joining the
set back to the tickets: seconds for a common word. Now each ticket also carries
`public_document` (the words of its replies) and `notes_document` (of its internal notes),
appended by a trigger in the transaction that writes the message, so that a search is a
condition on the ticket's own row: PostgreSQL reads the tickets' GIN indexes for a rare
word, or walks an ordered index of the list and stops after a page for a common one.

Messages are never edited; a deleted ticket takes its messages with it. The function
`sportello_fill_ticket_documents()` recomputes every ticket's documents (this migration,
and seed_bench after its COPY, which runs without triggers). PostgreSQL only, like 0007.
"""

from django.db import migrations

CONFIG = "sportello_italian"

FORWARD = [
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'sportello_tsvector_agg') THEN
            CREATE AGGREGATE sportello_tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');
        END IF;
    END $$""",
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS public_document tsvector",
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS notes_document tsvector",
    """CREATE OR REPLACE FUNCTION sportello_message_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.body <> '' AND NEW.is_internal THEN
            UPDATE tickets_ticket SET notes_document = coalesce(notes_document, '') || NEW.search_document
            WHERE id = NEW.ticket_id;
        ELSIF NEW.body <> '' THEN
            UPDATE tickets_ticket SET public_document = coalesce(public_document, '') || NEW.search_document
            WHERE id = NEW.ticket_id;
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS message_document ON tickets_message",
    """CREATE TRIGGER message_document AFTER INSERT ON tickets_message
        FOR EACH ROW EXECUTE FUNCTION sportello_message_document()""",
    """CREATE OR REPLACE FUNCTION sportello_fill_ticket_documents() RETURNS void LANGUAGE sql AS $$
        UPDATE tickets_ticket t SET public_document = d.public_document, notes_document = d.notes_document
        FROM (
            SELECT ticket_id,
                   sportello_tsvector_agg(search_document ORDER BY id) FILTER (WHERE NOT is_internal AND body <> '')
                       AS public_document,
                   sportello_tsvector_agg(search_document ORDER BY id) FILTER (WHERE is_internal AND body <> '')
                       AS notes_document
            FROM tickets_message GROUP BY ticket_id
        ) d
        WHERE t.id = d.ticket_id
    $$""",
    "SELECT sportello_fill_ticket_documents()",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_public_search ON tickets_ticket USING gin (tenant_id, public_document)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_notes_search ON tickets_ticket USING gin (notes_document) "
    "WHERE notes_document IS NOT NULL",
    # The messages' own index served the search that this replaces.
    "DROP INDEX CONCURRENTLY IF EXISTS message_search",
]

BACKWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS message_search ON tickets_message USING gin (tenant_id, search_document)",
    "DROP INDEX CONCURRENTLY IF EXISTS ticket_notes_search",
    "DROP INDEX CONCURRENTLY IF EXISTS ticket_public_search",
    "DROP TRIGGER IF EXISTS message_document ON tickets_message",
    "DROP FUNCTION IF EXISTS sportello_message_document()",
    "DROP FUNCTION IF EXISTS sportello_fill_ticket_documents()",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS notes_document",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS public_document",
    "DROP AGGREGATE IF EXISTS sportello_tsvector_agg(tsvector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0008_search_embeddings_deflections"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
