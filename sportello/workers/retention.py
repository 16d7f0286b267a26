"""Deleting what is past its retention, a bounded batch at a time."""

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

BATCH_SIZE = 5000


def cutoff(days: int, now: datetime | None = None) -> datetime:
    """The moment before which rows kept for `days` days are past their retention."""
    return (now or timezone.now()) - timedelta(days=days)


def delete_in_batches(queryset: models.QuerySet, batch_size: int = BATCH_SIZE) -> int:
    """Deletes the rows of `queryset` BATCH_SIZE at a time, each batch its own short
    statement (no long lock, no statement timeout on a big table); returns how many."""
    model = queryset.model
    deleted = 0
    while ids := list(queryset.values_list("pk", flat=True)[:batch_size]):
        _total, per_model = model.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(model._meta.label, 0)
    return deleted
