"""Password validators of Sportello."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message our catalogue translates (Django 6.1 changed the message's
    placeholder and its Italian catalogue has not caught up)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: it must contain at least %(min_length)d character.",
            "This password is too short: it must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
