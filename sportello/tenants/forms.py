"""Forms of the tenants app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role
from .vat import normalize_vat_number


class InvitationForm(forms.Form):
    """ "Invita utente": the e-mail of the person and the role, under "Ruoli Assegnati"."""

    email = forms.EmailField(label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        label=_("Assigned roles"),
        choices=Role.choices,
        initial=Role.TECHNICIAN,
        widget=forms.RadioSelect,
        help_text=_("Give the administrator role only to people who may in turn enable other users."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TenantForm(forms.Form):
    """A new company and its first administrator (vendor administrators, and `invite_tenant`)."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    vat_number = forms.CharField(
        label=_("VAT number"), max_length=30, help_text=_("Italian (with or without IT) or another EU VAT number.")
    )
    admin_email = forms.EmailField(label=_("E-mail of the first administrator"), max_length=254)

    def clean_vat_number(self):
        return normalize_vat_number(self.cleaned_data["vat_number"])

    def clean_admin_email(self):
        return self.cleaned_data["admin_email"].strip().lower()
