"""Full-text search over the tickets and their messages (issue 19), on PostgreSQL.

- The text search configuration `sportello_italian` is PostgreSQL's `italian` with
  `unaccent` in front of the Snowball stemmer: "perché" and "perche" give one lexeme,
  "fattura" and "fatture" another ("fattur").
- Each ticket and each message gets a stored, generated `search_document` (tsvector): the
  database computes it on every INSERT and UPDATE, so a new message is searchable in the
  transaction that writes it, whatever writes it (the portal, the API, inbound e-mail).
  A ticket's title weighs more than its description and the ERP's error.
- GIN indexes over (tenant, document) with `btree_gin`: a customer's search reads only
  their company's part of the index; the desk's search, across companies, uses the same
  index on its second column alone.

The columns are not declared on the models: nothing but the search reads them (see
tickets/search.py), and the ORM would otherwise fetch a tsvector with every ticket and
every line of a chat. SQLite (the demo's database) has none of this; there the search
matches words with LIKE (README, "Search").
"""

from django.db import migrations

CONFIG = "sportello_italian"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.italian);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
        END IF;
    END $$""",
    f"""ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_document tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(description, '')), 'B')
            || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(erp_error, '')), 'C')
        ) STORED""",
    f"""ALTER TABLE tickets_message ADD COLUMN IF NOT EXISTS search_document tsvector
        GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig, coalesce(body, ''))) STORED""",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_search ON tickets_ticket USING gin (tenant_id, search_document)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS message_search ON tickets_message USING gin (tenant_id, search_document)",
    # The desk's search by title words (0003's trigram index) is now this full-text search.
    "DROP INDEX CONCURRENTLY IF EXISTS ticket_title_trgm",
]

BACKWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_title_trgm ON tickets_ticket USING gin ((UPPER(title::text)) gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS message_search",
    "DROP INDEX CONCURRENTLY IF EXISTS ticket_search",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search_document",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_document",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
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
        ("tickets", "0006_pending_uploads"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
