import warnings

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image


class AccountsConfig(AppConfig):
    name = "sportello.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Pillow refuses to open a picture of more pixels than this, and with the warning
        # an error, between one and two times the limit too: no upload is decoded before
        # its size is known (AvatarForm checks it first, with a message).
        Image.MAX_IMAGE_PIXELS = settings.AVATAR_MAX_PIXELS
        warnings.simplefilter("error", Image.DecompressionBombWarning)
