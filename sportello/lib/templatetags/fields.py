"""Template helpers of form fields: where an error summary's link for a field points, a
field shown disabled."""

from django import template

register = template.Library()


@register.filter
def error_target(field) -> str:
    """The id of the control a person lands on from the error summary: the field's own
    input, or the first option of a group of radio buttons or checkboxes."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def disabled(field, described_by: str = ""):
    """The field's widget, disabled, described by the element of id `described_by` (what
    says why, or until when)."""
    attrs = {"disabled": True}
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)
