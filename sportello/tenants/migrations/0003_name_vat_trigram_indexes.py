"""Trigram indexes over the companies' names and VAT numbers, for the desk's "Azienda"
filter.

The filter is `name__icontains` or `vat_number__icontains`, which PostgreSQL runs as
`UPPER(name::text) LIKE '%TERM%'`: no B-tree serves that, and every search of the desk
narrowed to a company read all 10,000 companies of the bench first (17 ms, before the
tickets). pg_trgm's GIN operator class answers such LIKEs from the index. As for the
tickets' titles (tickets/0003), PostgreSQL only, built CONCURRENTLY.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {"tenant_name_trgm": "name", "tenant_vat_number_trgm": "vat_number"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index, column in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} "
                f"ON tenants_tenant USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tenants", "0002_name_index"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
