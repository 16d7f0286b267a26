from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PwaConfig(AppConfig):
    """The portal as an installable app, the page for unsupported browsers and the
    retired classic portal's address: the manual's §4, "Difficoltà di accesso al portale"."""

    name = "sportello.pwa"
    verbose_name = _("Access to the portal")
