"""Forms of the operators' console."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OperatorInvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    is_vendor_admin = forms.BooleanField(
        label=_("Vendor administrator"),
        required=False,
        help_text=_("Can onboard companies and manage operators, and use the admin site."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
