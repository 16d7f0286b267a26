"""Who may reach which page: every access rule of the portal, in one place.

The roles are the design's actors (DESIGN.md, "Actors"):

- a *customer member* works for a company (``request.tenant``, chosen after sign-in;
  rule R4) in any role;
- a *company administrator* is a member whose role there is "Amministratore" (R5);
- an *operator* is one of the vendor's staff ("Operatore NTS"), working every company's
  tickets from the desk;
- a *vendor administrator* is an operator who also onboards companies and manages
  operators.

Each view names the role it needs with one of the decorators below. Someone who is not
signed in is sent to the sign-in page; a signed-in person whose role is not enough gets
403; another company's object is 404, answered by the view's scoped lookup
(``get_for_tenant_or_404``), never here. The predicates (``is_operator`` …) are the same
rules for callers that have no request, such as the API's token checks.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

__all__ = [
    "company_admin_required",
    "customer_member_required",
    "is_company_admin",
    "is_operator",
    "is_vendor_admin",
    "member_or_operator_required",
    "operator_required",
    "public",
    "signed_in_required",
    "vendor_admin_required",
]


def is_operator(user) -> bool:
    """Whether `user` (signed in or anonymous) is one of the vendor's operators who can
    work tickets now (User.can_work_tickets)."""
    return bool(user.is_authenticated and user.can_work_tickets)


def is_vendor_admin(user) -> bool:
    """Whether `user` is a vendor administrator: an operator with the staff flag."""
    return is_operator(user) and bool(user.is_staff)


def is_company_admin(membership) -> bool:
    """Whether `membership` (a person's place in a company, or None) is an administrator's."""
    return membership is not None and membership.is_administrator


def _rule(name: str):
    """Marks a view with the name of its rule, so a test can check that every URL has one."""

    def mark(wrapper):
        wrapper.access_rule = name
        return wrapper

    return mark


def public(view):
    """Open to everyone, signed in or not (the sign-in pages, the health check, the
    installable app's files)."""
    return _rule("public")(view)


def signed_in_required(view):
    """Signed in, whatever the role: otherwise to the sign-in page, coming back afterwards."""
    return _rule("signed_in")(login_required(view))


def _to_company_choice(request):
    return redirect(f"{reverse('tenants:landing')}?{urlencode({'next': request.get_full_path()})}")


def customer_member_required(view):
    """A customer member: signed in and working for a company. Someone signed in who has
    not chosen a company yet (or an operator) goes to the company choice, which sends
    operators on to their dashboard."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.tenant is None:
            return _to_company_choice(request)
        return view(request, *args, **kwargs)

    return _rule("customer_member")(wrapper)


def company_admin_required(view):
    """A company administrator (the manual's "Gestione Tenant" is theirs only); another
    member of the company gets 403."""

    @wraps(view)
    @customer_member_required
    def wrapper(request, *args, **kwargs):
        if not is_company_admin(request.membership):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return _rule("company_admin")(wrapper)


def operator_required(view):
    """One of the vendor's operators; a customer gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return _rule("operator")(wrapper)


def vendor_admin_required(view):
    """A vendor administrator (onboards companies, manages operators); another operator
    or a customer gets 403."""

    @wraps(view)
    @operator_required
    def wrapper(request, *args, **kwargs):
        if not is_vendor_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return _rule("vendor_admin")(wrapper)


def member_or_operator_required(view):
    """The pages everybody has after sign-in (the dashboard): a customer member working
    for a company, or an operator; a customer without a company goes to the choice."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.tenant is None and not is_operator(request.user):
            return redirect("tenants:landing")
        return view(request, *args, **kwargs)

    return _rule("member_or_operator")(wrapper)
