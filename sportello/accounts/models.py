"""People who sign in to Sportello, their second factor and their trusted devices."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from sportello.lib import keyset


def normalize_email_address(address: str) -> str:
    """E-mail addresses are compared and stored in lower case, without surrounding spaces."""
    return (address or "").strip().lower()


def display_name_of(first_name: str, last_name: str, email: str, is_operator: bool) -> str:
    """The name other people see: the full name, else the e-mail address. An operator's
    e-mail is never shown to anyone: without a name they are "NTS operator"."""
    full_name = f"{first_name} {last_name}".strip()
    if full_name:
        return full_name
    return str(_("NTS operator")) if is_operator else email


class UserQuerySet(models.QuerySet):
    def operators(self, *, include_inactive: bool = False):
        """The vendor's operators who can work tickets now: active accounts that completed
        their first access (User.can_work_tickets says the same of one person). With
        `include_inactive`, everyone who is or was an operator, invited or deactivated
        included (the desk's list of operators, the queue's filter by past assignees)."""
        if include_inactive:
            return self.filter(is_operator=True)
        return self.filter(is_operator=True, is_active=True, activated_at__isnull=False)

    def name_choices(self) -> list[tuple[int, str]]:
        """(id, display name) pairs for a select, read as plain values: a select of
        hundreds of people needs no model instance for each."""
        return name_choices_of(self.values_list(*NAME_CHOICE_FIELDS))


# What name_choices() reads of each person, and makes of those rows.
NAME_CHOICE_FIELDS = ("pk", "first_name", "last_name", "email", "is_operator")


def name_choices_of(rows) -> list[tuple[int, str]]:
    """(id, display name) of rows of NAME_CHOICE_FIELDS."""
    return [(pk, display_name_of(first, last, email, operator)) for pk, first, last, email, operator in rows]


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_email(self, address: str) -> "User":
        return self.get(email=normalize_email_address(address))

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=normalize_email_address(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_operator=True)
        fields.setdefault("activated_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a customer user of one or more tenants, or one of the vendor's operators.

    The e-mail address is the login. An invited person gets an account with temporary
    credentials (`temporary_password_expires_at` set) and becomes active for good when
    they complete "Creazione Utente" (`activated_at`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    avatar = models.ImageField(_("picture"), upload_to="avatars/", blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("vendor administrator"),
        default=False,
        help_text=_("Onboards companies, manages operators and may use the admin site."),
    )
    is_operator = models.BooleanField(
        _("operator"), default=False, help_text=_("Vendor staff who work the tickets in the desk.")
    )
    date_joined = models.DateTimeField(_("invited on"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated on"), null=True, blank=True)
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted on"), null=True, blank=True)
    privacy_version = models.CharField(_("privacy notice version"), max_length=32, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # Operators are a few hundred among tens of thousands of customers: the desk's
        # lists of them ("Assegna a", the queue's filter) read this index in name order
        # instead of scanning every account (UserQuerySet.operators()).
        indexes = [
            models.Index(fields=["first_name", "last_name"], condition=models.Q(is_operator=True), name="user_operator")
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.email = normalize_email_address(self.email)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        return display_name_of(self.first_name, self.last_name, self.email, self.is_operator)

    @property
    def initials(self) -> str:
        if self.first_name or self.last_name:
            return (self.first_name[:1] + self.last_name[:1]).upper()
        return self.email[:1].upper()

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None

    @property
    def can_work_tickets(self) -> bool:
        """An operator who can work tickets now (see UserQuerySet.operators())."""
        return self.is_operator and self.is_active and self.is_activated

    def can_see(self, other: "User") -> bool:
        """Whether this person may see `other`'s name and picture: themselves, the members
        of their companies, and (for operators) everyone."""
        if self.pk == other.pk or self.is_operator:
            return True
        return other.memberships.filter(tenant__memberships__user=self).exists()

    @property
    def has_temporary_password(self) -> bool:
        return not self.is_activated and self.temporary_password_expires_at is not None

    def temporary_password_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.temporary_password_expires_at


class LoginCodeQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class LoginCode(models.Model):
    """A one-time code for the second factor, sent by e-mail.

    Only a keyed hash of the code is stored: an HMAC-SHA256 under the site's secret
    key and a random salt of the row. Six digits are too few for a slow hash to help
    (a stolen row would fall to a million guesses either way); the secret key, kept
    out of the database, is what makes a stolen row useless, and the code dies when it
    is used, when it expires, when a newer code is sent, or after too many wrong tries.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = LoginCodeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"code for {self.user} at {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def generate() -> str:
        return f"{secrets.randbelow(10**6):06d}"

    HASH_ALGORITHM = "hmac-sha256"

    def set_code(self, code: str) -> None:
        salt = secrets.token_hex(16)
        self.code_hash = f"{self.HASH_ALGORITHM}${salt}${self._digest(salt, code, settings.SECRET_KEY)}"

    def matches(self, code: str) -> bool:
        algorithm, _, rest = self.code_hash.partition("$")
        salt, _, digest = rest.partition("$")
        if algorithm != self.HASH_ALGORITHM or not salt or not digest:
            return False
        # A code sent just before the secret key was rotated still works for its ten minutes.
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return any(constant_time_compare(self._digest(salt, code.strip(), key), digest) for key in keys)

    @staticmethod
    def _digest(salt: str, code: str, secret: str) -> str:
        return salted_hmac(
            "sportello.accounts.LoginCode", f"{salt}:{code}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def attempts_left(self) -> int:
        return max(settings.LOGIN_CODE_MAX_ATTEMPTS - self.failed_attempts, 0)


class ContactAddressQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class ContactAddress(models.Model):
    """An e-mail address, other than their account's, at which a person asked to hear of
    a ticket (the new-ticket form's "E-mail", R6). Notifications go there only once
    someone who reads it has confirmed it: otherwise a ticket's text would be mailed to
    any address typed into the form, and the portal would be a mail relay."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_addresses")
    email = models.EmailField(_("e-mail"), max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True, help_text=_("When the confirmation was last sent."))
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ContactAddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact address")
        verbose_name_plural = _("contact addresses")
        constraints = [models.UniqueConstraint("user", Lower("email"), name="contact_address_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.email} for {self.user}"

    def save(self, *args, **kwargs):
        self.email = normalize_email_address(self.email)
        super().save(*args, **kwargs)


def hash_device_token(token: str) -> str:
    # The token is 256 random bits, so a plain SHA-256 is enough to make a stolen
    # database row useless as a cookie; no slow hash is needed for that entropy.
    return hashlib.sha256(token.encode()).hexdigest()


class TrustedDeviceQuerySet(models.QuerySet):
    def valid(self, now=None):
        now = now or timezone.now()
        return self.filter(expires_at__gt=now)


class TrustedDevice(models.Model):
    """A browser on which the user ticked "Dispositivo sicuro": it skips the second factor.

    The browser keeps a random token in a long-lived cookie; the server keeps its hash,
    so removing the record (from the profile) revokes the device at once.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    user_agent = models.TextField(blank=True)
    browser = models.CharField(max_length=100, blank=True)
    operating_system = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = TrustedDeviceQuerySet.as_manager()

    class Meta:
        ordering = ["-last_used_at"]

    def __str__(self) -> str:
        return f"{self.browser or 'browser'} of {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def lifetime(cls) -> timedelta:
        return timedelta(days=settings.TRUSTED_DEVICE_DAYS)


class SecurityEventQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        """Events an administrator of `tenant` may read: those of the tenant, and the
        personal security events (logins, codes, devices, passwords) of its members."""
        # The members are read first: PostgreSQL estimates a list of ids from the column's
        # statistics, whereas it takes a subquery for half the log and, for a small company,
        # would read the whole log backwards by date to find its few events.
        members = list(User.objects.filter(memberships__tenant=tenant).values_list("pk", flat=True))
        return self.filter(models.Q(tenant=tenant) | models.Q(tenant__isnull=True, user__in=members))

    def page(self, cursor: str | None, per_page: int = 50) -> keyset.Page:
        """One page of the log, newest first: a keyset, since the log grows with every
        sign-in and an OFFSET (or a count) would read all of it."""
        return keyset.paginate(self, ("created_at", "id"), True, cursor, per_page, salt="sportello.security_log")


class SecurityEvent(models.Model):
    """One line of the security audit log."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Sign-in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGIN_THROTTLED = "login_throttled", _("Sign-in slowed down")
        TEMPORARY_LOGIN = "temporary_login", _("Sign-in with temporary credentials")
        ACCOUNT_ACTIVATED = "account_activated", _("Account created")
        CODE_SENT = "code_sent", _("Code sent")
        CODE_FAILED = "code_failed", _("Wrong code")
        CODE_ACCEPTED = "code_accepted", _("Code accepted")
        CODES_BLOCKED = "codes_blocked", _("Codes blocked after too many wrong ones")
        DEVICE_TRUSTED = "device_trusted", _("Device trusted")
        DEVICE_USED = "device_used", _("Trusted device used")
        DEVICE_REMOVED = "device_removed", _("Trusted device removed")
        LOGOUT = "logout", _("Sign-out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_CHECK_FAILED = "password_check_failed", _("Wrong current password")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password recovery requested")
        PASSWORD_RESET = "password_reset", _("Password recovered")
        PICTURE_CHANGED = "picture_changed", _("Picture changed")
        ADDRESS_CONFIRMED = "address_confirmed", _("Address for notifications confirmed")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("User removed from the company")
        TENANT_CREATED = "tenant_created", _("Company created")
        TENANT_DEACTIVATED = "tenant_deactivated", _("Company deactivated")
        TENANT_REACTIVATED = "tenant_reactivated", _("Company reactivated")
        MAIL_REFUSED = "mail_refused", _("E-mail refused")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        API_TOKEN_USED = "api_token_used", _("API token used")
        API_TOKEN_REFUSED = "api_token_refused", _("API token refused")
        WEBHOOK_CREATED = "webhook_created", _("Webhook registered")
        WEBHOOK_REMOVED = "webhook_removed", _("Webhook removed")
        WEBHOOK_DISABLED = "webhook_disabled", _("Webhook disabled after failures")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(blank=True, help_text=_("The address typed, for failed sign-ins."))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(
        max_length=8, default="web", help_text=_("Where the request came from: web, api, mail, cli or system.")
    )
    detail = models.CharField(max_length=255, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
