"""Access rules for the views of a company's data."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def tenant_member_required(view):
    """Signed in, and working for a company: otherwise to the sign-in, or to the company choice."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.tenant is None:
            return redirect(f"{reverse('tenants:landing')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def tenant_admin_required(view):
    """As `tenant_member_required`, and an administrator of that company (else 403)."""

    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
