"""Resolves, once per request, the company the signed-in person is working for."""

from .models import Membership

SESSION_KEY = "sportello.tenant"
# A person read without their membership (accounts.backends.AccountBackend reads it with
# them when the session names a company): it is read here instead.
UNREAD = object()


def work_for(request, membership: Membership) -> None:
    """Makes `membership`'s company the one this session works for (the manual's "Scelta
    Tenant"); the middleware reads it back on every request while the membership lasts."""
    request.session[SESSION_KEY] = membership.tenant_id
    request.tenant = membership.tenant
    request.membership = membership


class TenantMiddleware:
    """Sets `request.tenant` and `request.membership` from the session's chosen company,
    only while the person still belongs to it and it is active; otherwise both are None.
    The membership is usually read already, with the person (accounts.middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        tenant_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if tenant_id is not None and request.user.is_authenticated:
            membership = getattr(request.user, "session_membership", UNREAD)
            if membership is UNREAD or (membership is not None and membership.tenant_id != tenant_id):
                membership = (
                    Membership.objects.usable()
                    .select_related("tenant")
                    .filter(user=request.user, tenant_id=tenant_id)
                    .first()
                )
            if membership is None:
                del request.session[SESSION_KEY]
            else:
                request.membership = membership
                request.tenant = membership.tenant
        return self.get_response(request)
