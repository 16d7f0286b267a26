"""Files sent with a form that came back with errors are kept for its next try (issue 15,
item 6): the form shown again lists them as already attached, each with "Rimuovi"."""

from . import services

KEPT, DROPPED = "kept_uploads", "drop_uploads"


def bound_form(form_class, request, tenant, **kwargs):
    """`form_class` (an AttachmentsMixin) bound to `request`, with the files the person
    kept from an earlier try in `tenant` (the ids the form sent back, less those ticked
    "Rimuovi")."""
    dropped = set(request.POST.getlist(DROPPED))
    ids = [value for value in request.POST.getlist(KEPT) if value not in dropped]
    return form_class(
        request.POST,
        request.FILES,
        oversized=getattr(request, "oversized_uploads", []),
        kept=services.kept_uploads(request.user, tenant, ids),
        **kwargs,
    )


def keep_for_next_try(form, request, tenant) -> None:
    """The form came back with errors: the new files it accepted are stored and listed
    with those already kept, so the person need not choose them again."""
    form.kept += services.keep_uploads(request.user, tenant, form.new_files())
