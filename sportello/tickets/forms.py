"""Forms of the tickets app: the new request, the reply, the list's filters."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from sportello.lib.forms import shared_fields

from .models import Area, ContactPreference, Priority, RequestType

ERP_LIMITS = {"program": 100, "version": 50, "error": 2000}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each smaller than ATTACHMENT_MAX_BYTES."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(AttachmentsField, self).clean(file, initial) for file in files]
        if len(cleaned) > settings.ATTACHMENT_MAX_FILES:
            raise forms.ValidationError(too_many_message(), code="too_many_files")
        for file in cleaned:
            if file.size >= settings.ATTACHMENT_MAX_BYTES:
                raise too_large_error([file.name])
        return cleaned


def too_large_message(name: str) -> str:
    """What is said of one file of `name` over ATTACHMENT_MAX_BYTES. The browser's own check
    says the same words (tickets/partials/attachment_problem.html gets them with "{file}")."""
    return _("“%(name)s” is too large: only files smaller than %(size)s MB can be attached.") % {
        "name": name,
        "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }


def too_many_message() -> str:
    """What is said of a message with more than ATTACHMENT_MAX_FILES files (browser's too)."""
    return _("Attach at most %(count)s files to one message.") % {"count": settings.ATTACHMENT_MAX_FILES}


def too_large_error(names: list[str]) -> forms.ValidationError:
    return forms.ValidationError(
        [forms.ValidationError(too_large_message(name), code="file_too_large") for name in names]
    )


class AttachmentsMixin(forms.Form):
    """Reports the files the upload handler dropped for being too large (see lib/uploads.py),
    and counts with the new files those `kept` from an earlier try of the same form
    (PendingUpload rows, see tickets/uploads.py): `cleaned_data["attachments"]` holds both."""

    attachments = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, oversized: list[str] | None = None, kept=(), **kwargs):
        self.oversized = oversized or []
        self.kept = list(kept)
        super().__init__(*args, **kwargs)
        self.max_megabytes = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachments"].help_text = _("Only files smaller than %(size)s MB each.") % {
            "size": self.max_megabytes
        }
        self.fields["attachments"].widget.attrs.update(
            {"data-max-bytes": settings.ATTACHMENT_MAX_BYTES, "data-max-files": settings.ATTACHMENT_MAX_FILES}
        )

    def clean(self):
        cleaned = super().clean()
        if self.oversized:
            self.add_error("attachments", too_large_error(self.oversized))
        new = cleaned.get("attachments")
        if new is not None and self.kept:
            if len(new) + len(self.kept) > settings.ATTACHMENT_MAX_FILES:
                self.add_error("attachments", forms.ValidationError(too_many_message(), code="too_many_files"))
            else:
                cleaned["attachments"] = [*self.kept, *new]
        return cleaned

    def new_files(self) -> list:
        """The files of this request that passed the checks (for keeping after errors)."""
        return [file for file in self.cleaned_data.get("attachments") or [] if file not in self.kept]


class NewTicketForm(AttachmentsMixin):
    """The manual's "Nuova richiesta di assistenza", items 3 to 11 in its order."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "Where the notifications go. Another address gets them once its reader confirms it (we send a link "
            "there); your account's address always gets them."
        ),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        validators=[
            RegexValidator(r"^\+?[0-9 ./()-]{5,32}$", _("Enter a phone number made of digits, spaces and + - . / ( )."))
        ],
        help_text=_("Required when you prefer to be called."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_preference = forms.ChoiceField(
        label=_("Contact preference"),
        choices=ContactPreference.choices,
        initial=ContactPreference.WEB,
        widget=forms.RadioSelect,
    )
    request_type = forms.ChoiceField(label=_("Type of request"), choices=RequestType.choices, widget=forms.RadioSelect)
    area = forms.ChoiceField(label=_("Application area"), choices=Area.choices, widget=forms.RadioSelect)
    priority = forms.TypedChoiceField(
        label=_("Urgency of the request"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Ticket title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("E.g. Question about an electronic invoice's outcome")}),
    )
    description = forms.CharField(
        label=_("Ticket description"),
        max_length=20000,
        help_text=_("Name the application module and describe the request in detail."),
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": _(
                    "E.g. Good morning, I open the electronic invoice console, run “check invoice status” and get a "
                    "rejection for invoice F/1025. Is there a way to see why it was rejected? Thank you."
                ),
            }
        ),
    )
    erp_program = forms.CharField(required=False, max_length=ERP_LIMITS["program"], widget=forms.HiddenInput)
    erp_version = forms.CharField(required=False, max_length=ERP_LIMITS["version"], widget=forms.HiddenInput)
    erp_error = forms.CharField(required=False, max_length=ERP_LIMITS["error"], widget=forms.HiddenInput)
    related = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    field_order = [
        "email", "phone", "contact_preference", "request_type", "area", "priority",
        "title", "description", "attachments",
    ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact_preference") == ContactPreference.PHONE and not cleaned.get("phone"):
            self.add_error("phone", _("Enter the phone number to call you back on."))
        return cleaned


def erp_context(query) -> dict:
    """The facts the ERP passes on the deep link (`?program=…&version=…&error=…`): untrusted
    text, cut to the fields' sizes. Templates escape it like any other text."""
    return {
        f"erp_{key}": " ".join(query.get(key, "").split())[:limit] if key != "error" else query.get(key, "")[:limit]
        for key, limit in ERP_LIMITS.items()
        if query.get(key)
    }


class ReplyForm(AttachmentsMixin):
    """A reply under the chat, with the side panel's priority and contact person (R8)."""

    body = forms.CharField(
        label=_("Reply"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a reply: it is needed to send the changes and to close the ticket.")},
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, empty_value=None, required=False
    )
    contact_person = forms.ModelChoiceField(label=_("Contact person"), queryset=None, required=False)
    close = forms.BooleanField(label=_("Close the ticket when the message is sent"), required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["contact_person"].queryset = ticket.possible_contact_people()
        self.fields["priority"].choices = [(p.value, p.label) for p in ticket.allowed_priorities()]
        self.fields["priority"].error_messages["invalid_choice"] = _(
            "An existing ticket cannot be given the priority “Blocking”: open a new ticket for a blocking problem."
        )
        self.initial.setdefault("priority", ticket.priority)
        self.initial.setdefault("contact_person", ticket.contact_person_id)


SORTS = {
    "created": _("Creation date"),
    "last_reply": _("Last reply date"),
    "priority": _("Priority"),
    "relevance": _("Relevance (with words to search)"),
}
STATE_FILTERS = {"any": _("Any"), "open": _("Open"), "closed": _("Closed")}


def relevance_sort(sort: str | None, words: str, default: str) -> str:
    """The sort of a list: by relevance when words are searched and no sort was chosen;
    never by relevance without words (there is nothing to rank)."""
    if not words:
        return default if sort in (None, "", "relevance") else sort
    return sort or "relevance"


@shared_fields
class ListFilterForm(forms.Form):
    """The list's sort and search filters (R7); also what is remembered per person."""

    sort = forms.ChoiceField(
        label=_("Sort by"), choices=SORTS.items(), initial="created", required=False, widget=forms.RadioSelect
    )
    q = forms.CharField(
        label=_("Words to search"),
        max_length=200,
        required=False,
        help_text=_("In titles, descriptions and replies; also a ticket number, with or without #."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    number = forms.IntegerField(label=_("Ticket code"), min_value=1, required=False)
    state = forms.ChoiceField(
        label=_("Request status"),
        choices=STATE_FILTERS.items(),
        initial="any",
        required=False,
        widget=forms.RadioSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("Request priority"),
        choices=[("", _("Any")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    request_type = forms.ChoiceField(
        label=_("Request type"), choices=[("", _("Any")), *RequestType.choices], required=False
    )
    created_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date comes before the start date."))
        cleaned["q"] = " ".join((cleaned.get("q") or "").split())
        cleaned["sort"] = relevance_sort(cleaned.get("sort"), cleaned["q"], "created")
        cleaned["state"] = cleaned.get("state") or "any"
        return cleaned

    def as_params(self) -> dict:
        """The chosen values as query parameters (what is stored and put in links)."""
        params = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return params
