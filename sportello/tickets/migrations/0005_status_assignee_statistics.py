"""Tells PostgreSQL's planner that a ticket's status and its assignee go together.

The desk's "Non assegnati" reads the open tickets without an assignee from the partial
index `ticket_open_unassigned`. Taking the two conditions as independent, the planner
expected 23 of the million tickets where 1,536 were (nearly every unassigned ticket is
open), and with so few rows expected it joined them all to their company and people and
sorted them, 9 ms, instead of reading the index in order and stopping at one page, 0.2 ms.
A multivariate MCV list over (status, assignee) gives it the combination's real share; its
target is raised because every (status, operator) pair competes for the list's places, and
at the default of 100 the unassigned open ones were left out (34 expected). Statistics
objects exist only on PostgreSQL (SQLite, the demo's database, has none).
"""

from django.db import migrations

STATISTICS = "ticket_status_assignee"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON status, assignee_id FROM tickets_ticket"
        )
        schema_editor.execute(f"ALTER STATISTICS {STATISTICS} SET STATISTICS 1000")
        schema_editor.execute("ANALYZE tickets_ticket")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_open_tickets_per_company"),
    ]

    operations = [
        migrations.RunPython(create_statistics, drop_statistics),
    ]
