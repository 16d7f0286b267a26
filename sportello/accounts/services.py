"""Writes of the accounts app: invitations' temporary credentials, activation, the second
factor, trusted devices, passwords, pictures and the security log. Views (and the other
channels) call these with the acting person and an audit context (sportello.lib.audit);
nothing else changes these records, and none of them sees a request."""

import secrets
import string
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from ua_parser import parse as parse_user_agent

from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation
from sportello.ratelimits.throttles import Quota, Throttle

from . import emails, pictures
from .models import (
    ContactAddress,
    LoginCode,
    SecurityEvent,
    TrustedDevice,
    User,
    hash_device_token,
    normalize_email_address,
)

Event = SecurityEvent.Kind

# A person signing in gets 5 free tries per hour, then waits 2 s, 4 s, 8 s, …; an address
# (perhaps a whole office behind NAT) gets 30. Codes and recovery requests likewise.
SIGN_IN_THROTTLE = Throttle("sign-in", free=5)
SIGN_IN_ADDRESS_THROTTLE = Throttle("sign-in-address", free=30)
CODE_THROTTLE = Throttle("code", free=10)
RECOVERY_THROTTLE = Throttle("recovery", free=3)
# Wrong codes are counted per account too, whatever the addresses they come from (ASVS
# 5.0 V6.3.1, V6.6.3): past LOGIN_CODE_ACCOUNT_FAILURES a day, the account's codes stop
# working for 5 minutes, then 10, 20, … up to a day. The owner's trusted devices need no
# code, so an attacker who knows the password cannot keep the owner out with it.
CODE_ACCOUNT_THROTTLE = Throttle(
    "code-account", free=settings.LOGIN_CODE_ACCOUNT_FAILURES, first_delay=5 * 60, longest=24 * 3600, window=24 * 3600
)
# Wrong current passwords on the profile's "change password" form.
PASSWORD_CHECK_THROTTLE = Throttle("password-check", free=5)
# Confirmations of other addresses a person may have sent in a day (a fixed text, but still
# mail to an address they chose).
CONFIRMATION_QUOTA = Quota("contact-confirmation", "CONTACT_CONFIRMATIONS_PER_DAY", period=24 * 3600)
CONFIRMATION_SALT = "sportello.accounts.ContactAddress"


class AccountError(RuleViolation):
    """A request that breaks a rule of accounts and sign-in."""


def record_event(
    kind: str, *, audit: Audit, user=None, actor=None, tenant=None, email: str = "", detail: str = ""
) -> SecurityEvent:
    """Appends one line to the security audit log: what happened (`kind`, one of
    SecurityEvent.Kind) to whom (`user`), done by whom (`actor`), in which company, from
    where and through which channel (`audit`). `email` is the address typed, for failed
    sign-ins; `detail` is cut to 255 characters."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        tenant=tenant,
        email=normalize_email_address(email)[:254],
        ip_address=audit.ip_address,
        channel=audit.channel,
        detail=detail[:255],
    )


# --- temporary credentials and activation ("Primo Accesso") ---------------------------


def _temporary_password() -> str:
    """Twelve characters in three groups, easy to copy from an e-mail: e.g. `k7Qm-2xPd-Rt9w`."""
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def issue_temporary_credentials(user: User) -> str:
    """Gives a not yet activated user a new temporary password, valid once and for a while,
    and e-mails it with the portal link. Returns the password (for the e-mail only)."""
    password = _temporary_password()
    user.set_password(password)
    user.temporary_password_expires_at = timezone.now() + timedelta(days=settings.TEMPORARY_CREDENTIALS_DAYS)
    user.save(update_fields=["password", "temporary_password_expires_at"])
    emails.send_temporary_credentials(user, password)
    return password


def create_invited_user(email: str, **fields) -> User:
    """Creates the account of a person invited for the first time and sends their
    temporary credentials (the manual's first e-mail)."""
    user = User.objects.create_user(email, password=None, **fields)
    issue_temporary_credentials(user)
    return user


def withdraw_temporary_credentials(user: User) -> None:
    if user.has_temporary_password:
        user.temporary_password_expires_at = timezone.now()
        user.save(update_fields=["temporary_password_expires_at"])


class FirstFactor(Enum):
    WRONG = "wrong"
    THROTTLED = "throttled"
    TEMPORARY_EXPIRED = "temporary_expired"
    ACTIVATE = "activate"
    NEEDS_CODE = "needs_code"
    TRUSTED = "trusted"


def check_password_step(
    email: str, password: str, *, device_token: str | None, audit: Audit
) -> tuple[FirstFactor, User | None, int]:
    """Runs the first factor for `email`/`password` and says what comes next (R2, R3).

    `device_token` is the trusted-device cookie of the browser, if any: a browser the
    owner trusted is not slowed down by the failures counted against the account
    (someone else's), only by those of its address. Returns the outcome, the user when
    the password was right, and the seconds to wait when throttled. Temporary
    credentials lead to "Creazione Utente" until it is done or they expire (R2).
    """
    email = normalize_email_address(email)
    address = audit.ip_address
    wait = SIGN_IN_ADDRESS_THROTTLE.wait_seconds(address=address)
    if not _is_trusted_browser_of(email, device_token):
        wait = max(wait, SIGN_IN_THROTTLE.wait_seconds(account=email))
    if wait:
        record_event(Event.LOGIN_THROTTLED, audit=audit, email=email)
        return FirstFactor.THROTTLED, None, wait

    user = authenticate(None, email=email, password=password)
    if user is None:
        SIGN_IN_THROTTLE.record(account=email)
        SIGN_IN_ADDRESS_THROTTLE.record(address=address)
        record_event(Event.LOGIN_FAILED, audit=audit, email=email, user=User.objects.filter(email=email).first())
        return FirstFactor.WRONG, None, 0

    SIGN_IN_THROTTLE.reset(account=email)
    if user.has_temporary_password:
        if user.temporary_password_expired():
            return FirstFactor.TEMPORARY_EXPIRED, None, 0
        record_event(Event.TEMPORARY_LOGIN, audit=audit, user=user, actor=user)
        return FirstFactor.ACTIVATE, user, 0
    if not user.is_activated:
        return FirstFactor.WRONG, None, 0

    if find_trusted_device(user, device_token, audit=audit) is not None:
        return FirstFactor.TRUSTED, user, 0
    return FirstFactor.NEEDS_CODE, user, 0


def activate(
    user: User, *, first_name: str, last_name: str, phone: str, password: str, language: str, audit: Audit
) -> None:
    """Completes "Creazione Utente" (R2): personal data, own password, privacy notice
    accepted (its version and the time recorded), the interface language in use."""
    now = timezone.now()
    user.first_name = first_name
    user.last_name = last_name
    user.phone = phone
    user.set_password(password)
    user.activated_at = now
    user.temporary_password_expires_at = None  # the temporary credentials die here
    user.privacy_accepted_at = now
    user.privacy_version = settings.PRIVACY_NOTICE_VERSION
    user.language = language
    user.save()
    record_event(Event.ACCOUNT_ACTIVATED, audit=audit, user=user, actor=user)


# --- the second factor ----------------------------------------------------------------


class CodeCheck(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"
    THROTTLED = "throttled"


def code_resend_wait(user: User) -> int:
    """Seconds before another code may be sent to `user` (the cool-down after the latest
    code, unless that one was used: a person who signed in may sign in again at once)."""
    latest = user.login_codes.order_by("-created_at").first()
    if latest is None or latest.used_at is not None:
        return 0
    ready_at = latest.created_at + timedelta(seconds=settings.LOGIN_CODE_RESEND_SECONDS)
    return max(0, int((ready_at - timezone.now()).total_seconds()) + (1 if ready_at > timezone.now() else 0))


def _is_trusted_browser_of(email: str, device_token: str | None) -> bool:
    if not device_token:
        return False
    return TrustedDevice.objects.valid().filter(user__email=email, token_hash=hash_device_token(device_token)).exists()


@transaction.atomic
def send_login_code(user: User, *, audit: Audit) -> bool:
    """E-mails `user` a new code (on the priority queue) and retires the earlier one,
    unless one was sent less than LOGIN_CODE_RESEND_SECONDS ago: then nothing is sent
    and the earlier code stays valid, so a known password cannot be turned into a
    stream of fresh codes (ASVS 5.0 V6.6.3). Returns whether a code was sent."""
    if code_resend_wait(user):
        return False
    now = timezone.now()
    user.login_codes.usable(now).update(expires_at=now)
    code = LoginCode.generate()
    login_code = LoginCode(user=user, expires_at=now + timedelta(minutes=settings.LOGIN_CODE_MINUTES))
    login_code.set_code(code)
    login_code.save()
    emails.send_login_code(user, code)
    record_event(Event.CODE_SENT, audit=audit, user=user, actor=user)
    return True


@transaction.atomic
def check_login_code(user: User, code: str, *, audit: Audit) -> tuple[CodeCheck, int]:
    """Checks a typed code against the user's latest one; returns the outcome and, when
    THROTTLED, the seconds to wait. After LOGIN_CODE_MAX_ATTEMPTS wrong tries the code
    is dead, even for the right digits; after LOGIN_CODE_ACCOUNT_FAILURES wrong codes on
    the account (from any address) every code of the account stops working for a while,
    and the owner is told by e-mail and in the security log (ASVS 5.0 V6.3.1)."""
    address = audit.ip_address
    wait = max(CODE_THROTTLE.wait_seconds(address=address), CODE_ACCOUNT_THROTTLE.wait_seconds(account=user.email))
    if wait:
        return CodeCheck.THROTTLED, wait
    login_code = (
        LoginCode.objects.select_for_update().filter(user=user, used_at__isnull=True).order_by("-created_at").first()
    )
    now = timezone.now()
    if login_code is None or login_code.expires_at <= now:
        return CodeCheck.EXPIRED, 0
    if login_code.failed_attempts >= settings.LOGIN_CODE_MAX_ATTEMPTS:
        return CodeCheck.EXHAUSTED, 0
    if not login_code.matches(code):
        login_code.failed_attempts += 1
        login_code.save(update_fields=["failed_attempts"])
        CODE_THROTTLE.record(address=address)
        record_event(Event.CODE_FAILED, audit=audit, user=user, actor=user)
        if CODE_ACCOUNT_THROTTLE.record(account=user.email) == CODE_ACCOUNT_THROTTLE.free:
            record_event(
                Event.CODES_BLOCKED, audit=audit, user=user, detail=f"{CODE_ACCOUNT_THROTTLE.free} wrong codes"
            )
            emails.send_codes_blocked(user, CODE_ACCOUNT_THROTTLE.free)
        if login_code.failed_attempts >= settings.LOGIN_CODE_MAX_ATTEMPTS:
            return CodeCheck.EXHAUSTED, 0
        return CodeCheck.WRONG, 0
    login_code.used_at = now
    login_code.save(update_fields=["used_at"])
    CODE_ACCOUNT_THROTTLE.reset(account=user.email)
    record_event(Event.CODE_ACCEPTED, audit=audit, user=user, actor=user)
    return CodeCheck.ACCEPTED, 0


# --- trusted devices ("Dispositivo sicuro") -------------------------------------------


def trust_device(user: User, *, audit: Audit) -> str:
    """Records the browser of `audit` (its User-Agent and address) as trusted for `user`
    and returns the token for its cookie (R3)."""
    token = TrustedDevice.new_token()
    agent = audit.user_agent
    parsed = parse_user_agent(agent)
    browser = parsed.user_agent
    system = parsed.os
    now = timezone.now()
    TrustedDevice.objects.create(
        user=user,
        token_hash=hash_device_token(token),
        user_agent=agent,
        browser=" ".join(filter(None, [browser.family, browser.major])) if browser else "",
        operating_system=" ".join(filter(None, [system.family, system.major])) if system else "",
        last_ip=audit.ip_address,
        created_at=now,
        last_used_at=now,
        expires_at=now + TrustedDevice.lifetime(),
    )
    record_event(Event.DEVICE_TRUSTED, audit=audit, user=user, actor=user)
    return token


def find_trusted_device(user: User, token: str | None, *, audit: Audit) -> TrustedDevice | None:
    """The trusted device behind a browser's cookie `token`, if it is valid for `user`;
    its last use and address are brought up to date and the use is logged."""
    if not token:
        return None
    device = TrustedDevice.objects.valid().filter(user=user, token_hash=hash_device_token(token)).first()
    if device is not None:
        device.last_used_at = timezone.now()
        device.last_ip = audit.ip_address
        device.save(update_fields=["last_used_at", "last_ip"])
        record_event(Event.DEVICE_USED, audit=audit, user=user, actor=user)
    return device


def remove_device(actor: User, device: TrustedDevice, *, audit: Audit) -> None:
    """Forgets one trusted device: its browser is asked for a code at the next sign-in."""
    device.delete()
    record_event(Event.DEVICE_REMOVED, audit=audit, user=device.user, actor=actor, detail=device.browser)


def remove_all_devices(actor: User, *, audit: Audit) -> int:
    """Forgets every trusted device of `actor`; returns how many there were."""
    count, _ = actor.trusted_devices.all().delete()
    if count:
        record_event(Event.DEVICE_REMOVED, audit=audit, user=actor, actor=actor, detail=f"all ({count})")
    return count


# --- passwords and profile ------------------------------------------------------------


def change_password(user: User, current_password: str, new_password: str, *, audit: Audit) -> None:
    """Sets a new password (already checked by Django's validators) once the current one
    is given. Every session of the user ends (their auth hash changes): the caller keeps
    its own with django.contrib.auth's update_session_auth_hash. Raises AccountError
    ("wrong-password", or "too-many-attempts" after PASSWORD_CHECK_THROTTLE's free tries,
    ASVS 5.0 V6.3.1)."""
    wait = PASSWORD_CHECK_THROTTLE.wait_seconds(account=user.email)
    if wait:
        raise AccountError(
            _("Too many attempts. Try again in %(seconds)s seconds.") % {"seconds": wait},
            code="too-many-attempts",
            retry_after=wait,
        )
    if not user.check_password(current_password):
        PASSWORD_CHECK_THROTTLE.record(account=user.email)
        record_event(Event.PASSWORD_CHECK_FAILED, audit=audit, user=user, actor=user)
        raise AccountError(_("The current password is not right."), code="wrong-password")
    PASSWORD_CHECK_THROTTLE.reset(account=user.email)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(Event.PASSWORD_CHANGED, audit=audit, user=user, actor=user)


def record_password_reset(user: User, *, audit: Audit) -> None:
    """Logs a password chosen through a recovery link (Django's view sets it)."""
    record_event(Event.PASSWORD_RESET, audit=audit, user=user, actor=user)


def request_password_reset(email: str, *, audit: Audit) -> int:
    """E-mails a single-use, expiring link to choose a new password, when `email` belongs
    to an activated account. The caller answers the same either way. Returns the seconds
    to wait when too many requests came for this address or from this client."""
    email = normalize_email_address(email)
    address = audit.ip_address
    wait = RECOVERY_THROTTLE.wait_seconds(account=email, address=address)
    if wait:
        return wait
    RECOVERY_THROTTLE.record(account=email, address=address)
    user = User.objects.filter(email=email, is_active=True, activated_at__isnull=False).first()
    if user is None:
        record_event(Event.PASSWORD_RESET_REQUESTED, audit=audit, email=email, detail="unknown address")
        return 0
    path = reverse(
        "accounts:reset_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    emails.send_password_reset(user, path)
    record_event(Event.PASSWORD_RESET_REQUESTED, audit=audit, user=user, email=email)
    return 0


def update_profile(user: User, *, first_name: str, last_name: str, phone: str, language: str) -> None:
    """Saves the details of "Profilo": names, phone and interface language."""
    user.first_name, user.last_name, user.phone = first_name, last_name, phone
    if language in dict(settings.LANGUAGES):
        user.language = language
    user.save(update_fields=["first_name", "last_name", "phone", "language"])


def set_language(user: User, language: str) -> None:
    """The interface language `user` chose (one of settings.LANGUAGES); it follows them
    to every device, and their e-mails are written in it."""
    if language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        user.save(update_fields=["language"])


def change_picture(user: User, uploaded, *, audit: Audit) -> None:
    """Replaces `user`'s profile picture with `uploaded`, an image already validated by
    the AvatarForm, re-encoded as a square PNG (pictures.render_avatar), or removes it
    when `uploaded` is None. The old file is deleted from storage."""
    old_name = user.avatar.name if user.avatar else ""
    if uploaded is None:
        user.avatar = ""
    else:
        user.avatar.save(pictures.new_avatar_name(), ContentFile(pictures.render_avatar(uploaded)), save=False)
    user.save(update_fields=["avatar"])
    if old_name:
        user.avatar.storage.delete(old_name)
    detail = "removed" if uploaded is None else "changed"
    record_event(Event.PICTURE_CHANGED, audit=audit, user=user, actor=user, detail=detail)


# --- other addresses for a ticket's notifications (R6) ------------------------------


def ask_to_confirm_address(user: User, email: str) -> ContactAddress | None:
    """Records that `user` wants notifications at `email` too, and e-mails that address a
    link to confirm it (once a day at most, and at most CONTACT_CONFIRMATIONS_PER_DAY
    addresses a day for one person). Returns None for the account's own address, else the
    address, which is confirmed only once the link is followed. The confirmation carries
    no text of the person's: until confirmed, the address gets nothing else."""
    email = normalize_email_address(email)
    if not email or email == user.email:
        return None
    address, _created = ContactAddress.objects.get_or_create(user=user, email=email)
    now = timezone.now()
    if address.confirmed_at is not None:
        return address
    if address.last_sent_at is not None and now - address.last_sent_at < timedelta(days=1):
        return address
    if CONFIRMATION_QUOTA.wait_seconds(person=user.pk):
        return address
    CONFIRMATION_QUOTA.record(person=user.pk)
    address.last_sent_at = now
    address.save(update_fields=["last_sent_at"])
    token = signing.dumps(address.public_id.hex, salt=CONFIRMATION_SALT)
    emails.send_address_confirmation(address, reverse("accounts:confirm_address", args=[token]))
    return address


def address_to_confirm(token: str) -> ContactAddress | None:
    """The address a confirmation link names, if the link is genuine and not older than
    CONTACT_ADDRESS_CONFIRM_DAYS; else None."""
    try:
        public_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.CONTACT_ADDRESS_CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        return None
    return ContactAddress.objects.select_related("user").filter(public_id=public_id).first()


def confirm_address(address: ContactAddress, *, audit: Audit) -> None:
    """Whoever reads `address` agreed to receive the notifications: from now on they do."""
    if address.confirmed_at is None:
        address.confirmed_at = timezone.now()
        address.save(update_fields=["confirmed_at"])
        record_event(Event.ADDRESS_CONFIRMED, audit=audit, user=address.user, email=address.email)
