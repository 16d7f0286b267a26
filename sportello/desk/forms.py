"""Forms of the operators' console."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import User
from sportello.lib.forms import shared_fields
from sportello.tickets.forms import AttachmentsMixin, relevance_sort
from sportello.tickets.models import Area, Priority, RequestType, Status


class OperatorAreasForm(forms.Form):
    areas = forms.MultipleChoiceField(
        label=_("Application areas served"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They hear of the new tickets of these areas while nobody has taken them. None: every area."),
    )


class OperatorInvitationForm(OperatorAreasForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    is_vendor_admin = forms.BooleanField(
        label=_("Vendor administrator"),
        required=False,
        help_text=_("Can onboard companies and manage operators, and use the admin site."),
    )
    field_order = ["email", "areas", "is_vendor_admin"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


QUEUE_STATES = {
    "open": _("Open"),
    "any": _("Any"),
    **{status.value: status.label for status in Status},
}
QUEUE_SORTS = {
    "created": _("Creation date"),
    "last_reply": _("Last reply date"),
    "priority": _("Priority"),
    "waiting": _("Waiting longest"),
    "relevance": _("Relevance (with words to search)"),
}


@shared_fields
class QueueFilterForm(forms.Form):
    """The desk queue's filters and sort."""

    q = forms.CharField(
        label=_("Words or ticket number"),
        max_length=200,
        required=False,
        help_text=_("In titles, descriptions, replies and internal notes; a number with or without #."),
    )
    state = forms.ChoiceField(label=_("Status"), choices=QUEUE_STATES.items(), required=False)
    area = forms.ChoiceField(label=_("Area"), choices=[("", _("Any")), *Area.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=[("", _("Any")), *Priority.choices], coerce=int, empty_value=None, required=False
    )
    request_type = forms.ChoiceField(
        label=_("Request type"), choices=[("", _("Any")), *RequestType.choices], required=False
    )
    company = forms.CharField(label=_("Company"), max_length=100, required=False, help_text=_("Name or VAT number."))
    # Written once with the class, as AssignForm's, and shared by every form (shared_fields):
    # only ever cloned (validating a choice, ModelChoiceIterator), never read into itself.
    assignee = forms.ModelChoiceField(
        label=_("Operator"),
        queryset=User.objects.operators(include_inactive=True).order_by("first_name", "last_name"),
        required=False,
        empty_label=_("Any"),
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=QUEUE_SORTS.items(), required=False)

    def clean(self):
        cleaned = super().clean()
        cleaned["q"] = " ".join((cleaned.get("q") or "").split())
        # A search looks in every status unless one is chosen: the answer is often closed.
        cleaned["state"] = cleaned.get("state") or ("any" if cleaned["q"] else "open")
        cleaned["sort"] = relevance_sort(cleaned.get("sort"), cleaned["q"], "created")
        return cleaned


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.operators())


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class OperatorReplyForm(AttachmentsMixin):
    body = forms.CharField(label=_("Message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(
        label=_("Internal note"),
        required=False,
        help_text=_("Only operators see it: never the customer, never in an e-mail."),
    )
