"""Access rules of the operators' console: customers never get in."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def operator_required(view):
    """Signed in as one of the vendor's operators; anyone else gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_operator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def vendor_admin_required(view):
    """Signed in as a vendor administrator (onboards companies, manages operators)."""

    @wraps(view)
    @operator_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
