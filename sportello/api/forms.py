"""Forms of the API's pages: a new access token, a new webhook."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AccessToken, Event

LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “ERP of the Milan office” or “IT's ticket script”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ, widget=forms.RadioSelect
    )
    days = forms.TypedChoiceField(label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(d, label) for d, label in LIFETIMES if d <= settings.API_TOKEN_MAX_DAYS] or [
            (settings.API_TOKEN_MAX_DAYS, str(settings.API_TOKEN_MAX_DAYS))
        ]


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your system that receives the events (POST, JSON)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple, initial=Event.values
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
