"""Telling other systems of ticket events: Standard Webhooks over the durable task queue.

`emit()` is called by the tickets' services, inside the transaction of the change: it
writes one WebhookDelivery per listening endpoint and enqueues its task, so a change
rolled back sends nothing and a crash loses nothing. `deliver()` (the task) sends it,
signed as the Standard Webhooks specification says (headers `webhook-id`,
`webhook-timestamp`, `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
"id.timestamp.body" under the endpoint's secret, made by the `standardwebhooks` library),
and records the answer. A failure is tried again after the delays of RETRY_DELAYS; after
WEBHOOK_MAX_ATTEMPTS the delivery fails for good, the endpoint is disabled and whoever
registered it gets an e-mail. A sweep every minute enqueues deliveries whose task was
lost. Internal notes never reach a webhook.
"""

import json
import logging
from datetime import UTC, datetime, timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from sportello.notifications.services import send_email
from sportello.workers.retention import cutoff, delete_in_batches

from . import targets
from .models import Event, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# The delays before each new attempt (the Standard Webhooks' own suggestion): about a
# day and a half from the first attempt to the eighth. Past the list, the last delay.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
RESPONSE_BYTES = 1000
CONNECT_TIMEOUT = 5


# --- writing the deliveries ---------------------------------------------------------------


def emit(event: str, ticket, *, message=None, old_status: str | None = None) -> list[WebhookDelivery]:
    """Writes the deliveries of `event` (an Event value) about `ticket` for each endpoint
    listening to it, and enqueues them. Call it inside the change's transaction. `message`
    is the reply the event is about (never an internal note); `old_status` the status a
    status change left. Returns the deliveries (none when no endpoint listens)."""
    if message is not None and message.is_internal:
        return []
    endpoints = WebhookEndpoint.objects.listening(ticket.tenant_id, event)
    if not endpoints:
        return []
    now = timezone.now()
    body = json.dumps(
        {"type": event, "timestamp": now.isoformat(), "data": _event_data(ticket, message, old_status)},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, payload=body, created_at=now, next_attempt_at=now)
        for endpoint in endpoints
    )
    for delivery in deliveries:
        schedule(delivery)
    return deliveries


def emit_status_change(ticket, old_status: str) -> list[WebhookDelivery]:
    """A status change as its event: "ticket.closed" when it closed the ticket, else
    "ticket.status_changed"."""
    event = Event.TICKET_CLOSED if ticket.status == "closed" else Event.TICKET_STATUS_CHANGED
    return emit(event, ticket, old_status=old_status)


def _event_data(ticket, message, old_status) -> dict:
    data = {
        "ticket": {
            "number": ticket.pk,
            "title": ticket.title,
            "status": ticket.status,
            "priority": ticket.priority,
            "request_type": ticket.request_type,
            "area": ticket.area,
            "company": {"id": str(ticket.tenant.public_id), "name": ticket.tenant.name},
            "created_at": ticket.created_at.isoformat(),
            "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
            "url": settings.SITE_URL + reverse("tickets:detail", args=[ticket.pk]),
        }
    }
    if old_status is not None:
        data["old_status"] = old_status
    if message is not None:
        author = message.author
        data["message"] = {
            "author": author.display_name if author else None,
            "by_operator": bool(author and author.is_operator),
            "body": message.body,
            "created_at": message.created_at.isoformat(),
            "attachments": [
                {"id": str(attachment.public_id), "name": attachment.original_name, "size": attachment.size}
                for attachment in message.attachments.all()
            ],
        }
    return data


def schedule(delivery: WebhookDelivery) -> None:
    """Enqueues the task of `delivery`'s next attempt, due at its `next_attempt_at`, and
    saves the delivery with the task's id (in the caller's transaction)."""
    from .tasks import deliver_webhook

    run_after = delivery.next_attempt_at if delivery.next_attempt_at > timezone.now() else None
    result = deliver_webhook.using(run_after=run_after).enqueue(delivery.pk)
    delivery.task_id = str(result.id)
    delivery.save()


# --- sending ------------------------------------------------------------------------------


def deliver(delivery_id: int) -> str:
    """Makes one attempt at a due, waiting delivery and records its outcome; returns it
    ("delivered", "retry", "failed", or "skipped" when the delivery is not waiting, not
    due, or another worker holds it). Safe to run twice: the row is locked while sent."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None or delivery.next_attempt_at > timezone.now():
            return "skipped"
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            _fail(delivery, error="The webhook is disabled.")
            return "failed"
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        status, response, error = _post(endpoint, delivery, now)
        delivery.last_status_code, delivery.last_response, delivery.last_error = status, response, error
        if status is not None and 200 <= status < 300:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.save()
            return "delivered"
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            _fail(delivery, error=error)
            _disable(endpoint, delivery)
            return "failed"
        delivery.next_attempt_at = now + RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]
        schedule(delivery)
        logger.info("Webhook %s to %s failed (%s %s); next at %s", delivery.pk, endpoint.url, status, error,
                    delivery.next_attempt_at)  # fmt: skip
        return "retry"


def sign(endpoint: WebhookEndpoint, delivery: WebhookDelivery, when: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt at `delivery`, signed at `when`."""
    timestamp = int(when.timestamp())
    signature = Webhook(endpoint.secret).sign(
        msg_id=delivery.webhook_id, timestamp=datetime.fromtimestamp(timestamp, tz=UTC), data=delivery.payload
    )
    return {"webhook-id": delivery.webhook_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, now) -> tuple[int | None, str, str]:
    """POSTs the delivery to the endpoint, connecting only to the addresses checked now
    (the next one when one refuses the connection; no redirect is followed). Returns the
    HTTP status (None when there was no answer), the start of the response body, and the
    error."""
    try:
        target = targets.resolve(endpoint.url)
    except targets.TargetRefused as refused:
        return None, "", str(refused)[:1000]
    headers = {
        "Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
        "Content-Type": "application/json",
        "User-Agent": "Sportello-Webhooks/1",
        **sign(endpoint, delivery, now),
    }
    error = ""
    for address in target.addresses:
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=delivery.payload.encode(),
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                text = response.read(RESPONSE_BYTES, decode_content=False).decode(errors="replace")
            finally:
                response.release_conn()
            return response.status, text, "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        except urllib3.exceptions.NewConnectionError as failure:
            error = f"{type(failure).__name__}: {failure}"[:1000]  # try the next address
        except urllib3.exceptions.HTTPError as failure:
            return None, "", f"{type(failure).__name__}: {failure}"[:1000]
        finally:
            pool.close()
    return None, "", error


def _pool(target: targets.Target, address: str) -> urllib3.HTTPConnectionPool:
    """A connection to `address` alone; over TLS the certificate must be `target.host`'s
    (SNI and the name check use the host name, not the address)."""
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=settings.WEBHOOK_TIMEOUT_SECONDS)
    if target.scheme != "https":
        return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)
    return urllib3.HTTPSConnectionPool(
        address,
        target.port,
        timeout=timeout,
        retries=False,
        server_hostname=target.host,
        assert_hostname=target.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=settings.WEBHOOK_CA_CERTS,
    )


def _fail(delivery: WebhookDelivery, *, error: str) -> None:
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.next_attempt_at = None
    delivery.last_error = error[:1000]
    delivery.save()


def _disable(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    """Turns off an endpoint whose delivery failed for good, fails its other waiting
    deliveries, and tells whoever registered it (in their language)."""
    from sportello.accounts import services as accounts
    from sportello.lib.audit import SYSTEM

    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = f"{delivery.attempts} × {delivery.last_error or delivery.last_status_code}"[:500]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    endpoint.deliveries.pending().update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None, last_error="The webhook was disabled."
    )
    accounts.record_event(
        accounts.Event.WEBHOOK_DISABLED,
        audit=SYSTEM,
        user=endpoint.created_by,
        tenant=endpoint.tenant,
        detail=f"{endpoint.url}: {endpoint.disabled_reason}",
    )
    author = endpoint.created_by
    if author is not None and author.is_active:
        page = "api:company_webhooks" if endpoint.tenant_id else "api:vendor_webhooks"
        send_email(
            kind="webhook_disabled",
            to=author.email,
            language=author.language,
            context={
                "endpoint": endpoint,
                "delivery": delivery,
                "attempts": delivery.attempts,
                "webhooks_path": reverse(page),
            },
        )


# --- the periodic jobs ----------------------------------------------------------------------


def sweep_lost(now=None) -> int:
    """Enqueues a task for each waiting delivery overdue by a minute whose task is neither
    waiting nor running (lost with a crashed worker's database, or deleted). Returns how
    many were enqueued."""
    now = now or timezone.now()
    overdue = list(WebhookDelivery.objects.due(now - timedelta(minutes=1)).order_by("next_attempt_at")[:500])
    pending_tasks = set(
        DBTaskResult.objects.filter(
            id__in=[delivery.task_id for delivery in overdue if delivery.task_id],
            status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        ).values_list("id", flat=True)
    )
    pending_tasks = {str(task_id) for task_id in pending_tasks}
    lost = [delivery for delivery in overdue if delivery.task_id not in pending_tasks]
    with transaction.atomic():
        for delivery in lost:
            schedule(delivery)
    return len(lost)


def prune_old_deliveries() -> int:
    """Deletes the deliveries, delivered or failed, older than WEBHOOK_RETENTION_DAYS."""
    old = WebhookDelivery.objects.filter(~Q(status=WebhookDelivery.Status.PENDING)).filter(
        created_at__lt=cutoff(settings.WEBHOOK_RETENTION_DAYS)
    )
    return delete_in_batches(old)
