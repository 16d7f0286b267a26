"""Writes of the dashboard app."""

from .models import Dashboard


def save_layout(user, tenant, items: list[dict]) -> Dashboard:
    """Stores `user`'s widget layout for `tenant` (None for the desk), already validated."""
    dashboard, _created = Dashboard.objects.update_or_create(user=user, tenant=tenant, defaults={"items": items})
    return dashboard
