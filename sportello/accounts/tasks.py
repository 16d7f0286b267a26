"""Periodic jobs of the accounts app: what sign-ins leave behind, kept only as long as it serves."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

from sportello.workers.retention import cutoff, delete_in_batches
from sportello.workers.schedule import every

from .models import ContactAddress, LoginCode, SecurityEvent, TrustedDevice


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_expired_sessions() -> int:
    """Deletes expired sessions (what `manage.py clearsessions` does), in batches."""
    return delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()))


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_old_login_codes() -> int:
    """Deletes second-factor codes created more than LOGIN_CODE_RETENTION_DAYS ago (each
    stopped working LOGIN_CODE_MINUTES after it was sent)."""
    return delete_in_batches(LoginCode.objects.filter(created_at__lt=cutoff(settings.LOGIN_CODE_RETENTION_DAYS)))


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_expired_trusted_devices() -> int:
    """Deletes trusted devices whose TRUSTED_DEVICE_DAYS have run out: they no longer skip anything."""
    return delete_in_batches(TrustedDevice.objects.filter(expires_at__lt=timezone.now()))


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_old_security_events() -> int:
    """Deletes security-log entries older than SECURITY_LOG_RETENTION_DAYS."""
    return delete_in_batches(SecurityEvent.objects.filter(created_at__lt=cutoff(settings.SECURITY_LOG_RETENTION_DAYS)))


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_unconfirmed_addresses() -> int:
    """Deletes other addresses for notifications that nobody confirmed within
    CONTACT_ADDRESS_CONFIRM_DAYS of the last request (their link no longer works)."""
    stale = ContactAddress.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff(settings.CONTACT_ADDRESS_CONFIRM_DAYS)
    ).exclude(last_sent_at__gte=cutoff(settings.CONTACT_ADDRESS_CONFIRM_DAYS))
    return delete_in_batches(stale)
