from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "sportello.desk"
    verbose_name = _("Support desk")

    def ready(self):
        from sportello.accounts.models import User

        from .queue import forget_operators

        post_save.connect(forget_operators, sender=User, dispatch_uid="desk.forget_operators")
        post_delete.connect(forget_operators, sender=User, dispatch_uid="desk.forget_operators_deleted")
