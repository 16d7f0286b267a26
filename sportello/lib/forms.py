"""Forms whose fields are the same for every form of the class."""


class _SharedFields(dict):
    """A form class's fields, handed as they are to each of its forms: Django's BaseForm
    deep-copies the class's `base_fields` for every form made (so that one form may change
    its own fields), and a deep copy of this dict is a new dict of the same fields."""

    def __deepcopy__(self, memo):
        return dict(self)


def shared_fields(form_class):
    """Class decorator for a form made on every view of a page (the filter panels): its
    forms share the class's fields instead of each deep-copying them, every widget and every
    list of choices (108 deep copies for the queue's eleven fields: a twentieth of its
    page's CPU). Only for a form whose fields no code changes per form (a field's choices,
    queryset, widget attributes, help text): they are the class's, for every request of the
    process. lib/tests/test_forms.py checks that rendering and cleaning the decorated forms
    leaves their fields as they were. A subclass gets copied fields again, unless decorated."""
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class
