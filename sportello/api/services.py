"""Writes of the API app: access tokens (made, checked, revoked) and webhook endpoints.

Pages and the API call these with the acting person and an audit context; none of them
sees a request. Webhook deliveries are in webhooks.py.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.access import is_operator
from sportello.accounts import services as accounts
from sportello.accounts.models import User
from sportello.lib.audit import Audit
from sportello.lib.compiled import CompiledQuery
from sportello.lib.errors import RuleViolation
from sportello.tenants.models import Membership, Role, Tenant

from . import targets
from .models import AccessToken, WebhookDelivery, WebhookEndpoint, token_digest

Event = accounts.Event


class ApiError(RuleViolation):
    """A request that breaks a rule of the API's tokens and webhooks."""


class TokenRefused(ApiError):
    """No usable token came with the request (HTTP 401)."""


# --- tokens -------------------------------------------------------------------------------


def _expiry(days: int):
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApiError(
            _("A token lasts from 1 to %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS}, code="token-lifetime"
        )
    return timezone.now() + timedelta(days=days)


def _issue(*, kind, user, tenant, name, scope, days, created_by, audit: Audit) -> tuple[AccessToken, str]:
    secret = AccessToken.new_secret()
    token = AccessToken.objects.create(
        kind=kind,
        user=user,
        tenant=tenant,
        name=name.strip(),
        scope=scope,
        prefix=secret[:12],
        digest=token_digest(secret),
        created_by=created_by,
        expires_at=_expiry(days),
    )
    accounts.record_event(
        Event.API_TOKEN_CREATED, audit=audit, user=user, actor=created_by, tenant=tenant, detail=_describe(token)
    )
    return token, secret


@transaction.atomic
def create_personal_token(
    actor: User, tenant: Tenant | None, *, name: str, scope: str, days: int, audit: Audit
) -> tuple[AccessToken, str]:
    """A token that acts as `actor`: in `tenant` (the company a customer works for now) or,
    for an operator, at the desk (`tenant` None). Returns the token and its secret, which
    is shown once and never stored. Raises ApiError for a lifetime out of bounds."""
    if tenant is None and not is_operator(actor):
        raise ApiError(_("Choose the company the token works for."), code="token-company-needed")
    return _issue(
        kind=AccessToken.Kind.PERSONAL,
        user=actor,
        tenant=tenant,
        name=name,
        scope=scope,
        days=days,
        created_by=actor,
        audit=audit,
    )


@transaction.atomic
def create_company_token(
    actor: User, tenant: Tenant, *, name: str, scope: str, days: int, audit: Audit
) -> tuple[AccessToken, str]:
    """A company token (a service account): `actor`, an administrator of `tenant`, makes an
    account named `name` for a program of the company, and its token. The account acts in
    the company with a technician's reach; it has no password, is never activated and so
    can never sign in to the pages, and no e-mail reaches its address (`.invalid`, RFC
    6761). Returns the token and its secret (shown once)."""
    service_account = User.objects.create(
        email=f"service-{uuid.uuid4().hex[:16]}@service-accounts.invalid",
        first_name=name.strip()[:150],
        last_name=_("(service account)"),
        password=make_password(None),
        language=actor.language,
    )
    return _issue(
        kind=AccessToken.Kind.COMPANY,
        user=service_account,
        tenant=tenant,
        name=name,
        scope=scope,
        days=days,
        created_by=actor,
        audit=audit,
    )


def revoke_token(actor: User, token: AccessToken, *, audit: Audit) -> None:
    """Ends `token` now: the next request with it gets 401. Revoking twice does nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    accounts.record_event(
        Event.API_TOKEN_REVOKED, audit=audit, user=token.user, actor=actor, tenant=token.tenant, detail=_describe(token)
    )


def _describe(token: AccessToken) -> str:
    return f"{token.name} ({token.prefix}…, {token.get_kind_display()}, {token.get_scope_display()})"


@dataclass(frozen=True)
class Caller:
    """Who an API request acts as: the token, its person (or service account), the company
    it works for (None: the desk), and whether it may administer that company."""

    token: AccessToken
    user: User
    tenant: Tenant | None
    is_company_admin: bool

    @property
    def is_operator(self) -> bool:
        return self.tenant is None

    @property
    def is_vendor_admin(self) -> bool:
        return self.tenant is None and bool(self.user.is_staff)


def authenticate(secret: str | None, *, audit: Audit, now=None) -> Caller:
    """The Caller of a request bearing `secret`. Raises TokenRefused (code "token-missing",
    "token-invalid", "token-revoked", "token-expired" or "token-holder-gone") when the
    token is absent, unknown, revoked, expired, or its holder can no longer act as it: a
    person who left the company or the desk, a deactivated account or company. A token
    that exists but is refused is recorded in the security log."""
    now = now or timezone.now()
    if not secret:
        raise TokenRefused(_("Send an access token: Authorization: Bearer <token>."), code="token-missing")
    token = AccessToken.objects.select_related("user", "tenant").filter(digest=token_digest(secret)).first()
    if token is None:
        raise TokenRefused(_("This access token is not valid."), code="token-invalid")
    try:
        caller = _caller_of(token, now)
    except TokenRefused as refused:
        accounts.record_event(
            Event.API_TOKEN_REFUSED,
            audit=audit,
            user=token.user,
            tenant=token.tenant,
            detail=f"{refused.code}: {_describe(token)}",
        )
        raise
    record_use(token, audit=audit, now=now)
    return caller


def _caller_of(token: AccessToken, now) -> Caller:
    if token.is_revoked:
        raise TokenRefused(_("This access token was revoked."), code="token-revoked")
    if token.is_expired(now):
        raise TokenRefused(_("This access token has expired."), code="token-expired")
    gone = TokenRefused(_("The owner of this access token can no longer use it."), code="token-holder-gone")
    user, tenant = token.user, token.tenant
    if not user.is_active:
        raise gone
    if tenant is None:
        if not is_operator(user):
            raise gone
        return Caller(token, user, None, is_company_admin=False)
    if not tenant.is_active:
        raise gone
    if token.kind == AccessToken.Kind.COMPANY:
        return Caller(token, user, tenant, is_company_admin=False)
    found = ROLE.rows(user_id=user.pk, tenant_id=tenant.pk)
    if not found:
        raise gone
    return Caller(token, user, tenant, is_company_admin=found[0][0] == Role.ADMINISTRATOR)


# The role of a person's usable membership of a company (at most one: membership_unique),
# on every request of a personal token: its SQL written once per process.
ROLE = CompiledQuery(
    lambda user_id, tenant_id: (
        Membership.objects.usable().filter(user_id=user_id, tenant_id=tenant_id).order_by().values_list("role")[:1]
    ),
    "user_id",
    "tenant_id",
)


def record_use(token: AccessToken, *, audit: Audit, now) -> None:
    """Keeps the token's last use, and logs it in the security log (channel "api").

    At a hundred requests a second a line per request would be most of the log, so a use
    is logged once per client address per API_TOKEN_LOG_MINUTES: the first request from
    a new address, then one line per period while it goes on. The changes themselves are
    recorded where they are made (the ticket's chat names its author). The token's last
    use is saved at most once a minute. Costs: nothing most of the time, one UPDATE a
    minute, and one UPDATE and one INSERT per address and period."""
    log_due = (
        token.last_logged_at is None
        or token.last_used_ip != audit.ip_address
        or now - token.last_logged_at >= timedelta(minutes=settings.API_TOKEN_LOG_MINUTES)
    )
    if log_due:
        # Only the request that moves last_logged_at writes the line, however many race.
        claimed = AccessToken.objects.filter(pk=token.pk, last_logged_at=token.last_logged_at).update(
            last_used_at=now, last_used_ip=audit.ip_address, last_logged_at=now
        )
        if claimed:
            accounts.record_event(
                Event.API_TOKEN_USED,
                audit=audit,
                user=token.user,
                actor=token.user,
                tenant=token.tenant,
                detail=f"{_describe(token)} {audit.user_agent}",
            )
    elif token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)


# --- webhook endpoints ----------------------------------------------------------------------


@transaction.atomic
def register_endpoint(
    actor: User, tenant: Tenant | None, *, url: str, events: list[str], description: str = "", audit: Audit
) -> WebhookEndpoint:
    """Registers `url` to receive `events`: for the tickets of `tenant` (a company
    administrator's), or of every company (`tenant` None, a vendor administrator's).
    Raises targets.TargetRefused for an address the portal will not send to."""
    targets.resolve(url)
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant,
        url=url,
        events=list(events),
        description=description.strip(),
        secret=WebhookEndpoint.new_secret(),
        created_by=actor,
    )
    accounts.record_event(Event.WEBHOOK_CREATED, audit=audit, user=actor, actor=actor, tenant=tenant, detail=url)
    return endpoint


@transaction.atomic
def remove_endpoint(actor: User, endpoint: WebhookEndpoint, *, audit: Audit) -> None:
    """Deletes the endpoint with its deliveries; nothing more is sent to it."""
    accounts.record_event(
        Event.WEBHOOK_REMOVED, audit=audit, user=actor, actor=actor, tenant=endpoint.tenant, detail=endpoint.url
    )
    endpoint.delete()


def enable_endpoint(actor: User, endpoint: WebhookEndpoint) -> None:
    """Turns a disabled endpoint back on: new events are sent to it again."""
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])


def send_again(actor: User, delivery: WebhookDelivery) -> None:
    """Sends a delivery again now, with a fresh round of attempts (from the list of
    deliveries). Raises ApiError while its endpoint is disabled."""
    from .webhooks import schedule

    if not delivery.endpoint.is_active:
        raise ApiError(_("Turn the webhook back on first."), code="webhook-disabled")
    with transaction.atomic():
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        schedule(delivery)
