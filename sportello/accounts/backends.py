"""How a signed-in person is read back on every request: with their membership of the
company their session works for, in one query whose SQL is written once per process."""

from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend

from sportello.lib.compiled import CompiledQuery, fields_of

# What sessions made before AccountBackend name as their backend (accounts.middleware
# moves them to AccountBackend, which reads the person as ModelBackend did).
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_BACKEND = "sportello.accounts.backends.AccountBackend"

# The company the request's session works for, told to AccountBackend.get_user() by
# accounts.middleware.AuthenticationMiddleware for the length of Django's auth.get_user().
# A context variable, not an argument: Django calls get_user(user_id) itself, between
# reading the session and verifying its hash, and that verification must stay Django's.
session_tenant: ContextVar[int | None] = ContextVar("session_tenant", default=None)


def _person(pk):
    from .models import User

    # What ModelBackend.get_user() reads: `UserModel._default_manager.get(pk=user_id)`.
    return User._default_manager.filter(pk=pk).values_list(*fields_of(User))[:1]


def _membership(user_id, tenant_id):
    from sportello.tenants.models import Membership, Tenant

    from .models import User

    # The membership only while usable (active account, active company), with its person
    # and its company: what Membership.objects.usable().select_related("user", "tenant") reads.
    fields = [*fields_of(Membership), *fields_of(User, "user__"), *fields_of(Tenant, "tenant__")]
    return Membership.objects.usable().filter(user_id=user_id, tenant_id=tenant_id).order_by().values_list(*fields)[:1]


PERSON = CompiledQuery(_person, "pk")
MEMBERSHIP = CompiledQuery(_membership, "user_id", "tenant_id")


class AccountBackend(ModelBackend):
    """Django's ModelBackend (e-mail and password; only active accounts), whose get_user()
    also reads, in the same query, the person's usable membership of the session's company
    (`Membership.objects.usable()`: active account, active company) and the company, for
    tenants.middleware.TenantMiddleware: `user.session_membership`, None when there is none.
    Both reads are CompiledQuery: the ORM writes their SQL once per process."""

    def get_user(self, user_id):
        tenant_id = session_tenant.get()
        if tenant_id is None:
            return self._person(user_id)
        from sportello.tenants.models import Membership, Tenant

        from .models import User

        found = MEMBERSHIP.instances((Membership, User, Tenant), user_id=user_id, tenant_id=tenant_id)
        if not found:
            # No longer a member, or the company was deactivated: the person alone, as
            # ModelBackend reads them; the tenant middleware forgets the company.
            user = self._person(user_id)
            if user is not None:
                user.session_membership = None
            return user
        membership, user, tenant = found[0]
        if not self.user_can_authenticate(user):
            return None
        # As select_related("user", "tenant") leaves them.
        Membership.user.field.set_cached_value(membership, user)
        Membership.tenant.field.set_cached_value(membership, tenant)
        user.session_membership = membership
        return user

    def _person(self, user_id):
        """ModelBackend.get_user(): the account `user_id`, None when it is gone or inactive."""
        from .models import User

        found = PERSON.instances((User,), pk=user_id)
        if not found:
            return None
        user = found[0][0]
        return user if self.user_can_authenticate(user) else None
