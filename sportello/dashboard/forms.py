"""Validation of a dashboard layout sent by the browser."""

import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

COLUMNS = 12
MAX_ITEMS = 24
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class LayoutForm(forms.Form):
    """`layout` is a JSON list of {"id", "kind", "x", "y", "w", "h"} on a 12-column grid."""

    layout = forms.CharField(max_length=20000)

    def __init__(self, *args, kinds, **kwargs):
        self.kinds = set(kinds)
        super().__init__(*args, **kwargs)

    def clean_layout(self):
        try:
            items = json.loads(self.cleaned_data["layout"])
        except (ValueError, RecursionError):
            raise forms.ValidationError(_("The layout is not valid JSON.")) from None
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise forms.ValidationError(_("A dashboard holds at most %(count)s widgets.") % {"count": MAX_ITEMS})
        return [self._clean_item(item) for item in items]

    def _clean_item(self, item) -> dict:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("kind"), str)
            or item["kind"] not in self.kinds
            or not _ID.match(str(item.get("id", "")))
        ):
            raise forms.ValidationError(_("Unknown widget."))
        try:
            x, y, w, h = (int(item[key]) for key in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(_("Every widget needs a position and a size.")) from None
        if not (0 <= x < COLUMNS and 1 <= w <= COLUMNS and x + w <= COLUMNS and 0 <= y <= 500 and 1 <= h <= 12):
            raise forms.ValidationError(_("A widget is outside the grid."))
        return {"id": str(item["id"]), "kind": item["kind"], "x": x, "y": y, "w": w, "h": h}
