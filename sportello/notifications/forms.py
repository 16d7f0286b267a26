from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationChoiceForm(forms.Form):
    """Which of the offered categories (notifications.models.Category) a person receives."""

    receive = forms.MultipleChoiceField(
        label=_("E-mails I receive"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive"].choices = [(category.value, category.label) for category in categories]
