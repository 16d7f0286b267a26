"""Each person's dashboard: which widgets, where and how big."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class DashboardQuerySet(models.QuerySet):
    def of(self, user, tenant):
        """The dashboard of `user` for `tenant` (None: an operator's own desk dashboard)."""
        return self.filter(user=user, tenant=tenant)


class Dashboard(models.Model):
    """A person's widget layout for one company (or, for operators, for the desk), kept on
    the server so that it follows them from device to device."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboards")
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    items = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DashboardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="dashboard_per_user_and_company"),
            models.UniqueConstraint(fields=["user"], condition=Q(tenant__isnull=True), name="dashboard_per_operator"),
        ]

    def __str__(self) -> str:
        return f"dashboard of {self.user} ({self.tenant or 'desk'})"
