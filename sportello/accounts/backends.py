"""How a signed-in person is read back on every request: with their membership of the
company their session works for, in one query."""

from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend

# What sessions made before AccountBackend name as their backend (accounts.middleware
# moves them to AccountBackend, which reads the person as ModelBackend did).
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_BACKEND = "sportello.accounts.backends.AccountBackend"

# The company the request's session works for, told to AccountBackend.get_user() by
# accounts.middleware.AuthenticationMiddleware for the length of Django's auth.get_user().
# A context variable, not an argument: Django calls get_user(user_id) itself, between
# reading the session and verifying its hash, and that verification must stay Django's.
session_tenant: ContextVar[int | None] = ContextVar("session_tenant", default=None)


class AccountBackend(ModelBackend):
    """Django's ModelBackend (e-mail and password; only active accounts), whose get_user()
    also reads, in the same query, the person's usable membership of the session's company
    (`Membership.objects.usable()`: active account, active company) and the company, for
    tenants.middleware.TenantMiddleware: `user.session_membership`, None when there is none."""

    def get_user(self, user_id):
        tenant_id = session_tenant.get()
        if tenant_id is None:
            return super().get_user(user_id)
        from sportello.tenants.models import Membership

        membership = (
            Membership.objects.usable()
            .select_related("user", "tenant")
            .filter(user_id=user_id, tenant_id=tenant_id)
            .order_by()
            .first()
        )
        if membership is None:
            # No longer a member, or the company was deactivated: the person alone, as
            # ModelBackend reads them; the tenant middleware forgets the company.
            user = super().get_user(user_id)
            if user is not None:
                user.session_membership = None
            return user
        user = membership.user
        if not self.user_can_authenticate(user):
            return None
        user.session_membership = membership
        return user
