"""What the desk knows about operators beyond their account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sportello.tickets.models import Area


class OperatorArea(models.Model):
    """An application area an operator serves: they hear of its new, unassigned tickets.
    An operator with no area serves them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator_areas")
    area = models.CharField(_("application area"), max_length=16, choices=Area.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="operator_area_unique")]
        verbose_name = _("operator area")
        verbose_name_plural = _("operator areas")

    def __str__(self) -> str:
        return f"{self.user} → {self.get_area_display()}"
