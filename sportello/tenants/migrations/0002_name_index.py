"""An index for the desk's list of companies, read in name order in pages."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='tenant',
            index=models.Index(fields=['name', 'id'], name='tenant_name'),
        ),
    ]
