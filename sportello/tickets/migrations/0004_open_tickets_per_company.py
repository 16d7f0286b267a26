"""The open tickets of each company, for the desk's list of companies.

Counting them with `ticket_tenant_status` reads every ticket of the company, closed ones
included (tens of thousands for the largest); this partial index holds the open ones only.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0001_initial"),
        ("tickets", "0003_title_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                models.F("tenant"), condition=models.Q(("status", "closed"), _negated=True), name="ticket_open_tenant"
            ),
        ),
    ]
