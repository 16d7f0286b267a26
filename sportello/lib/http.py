"""Request helpers shared by the apps."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: the connection's own, or the one NUM_PROXIES trusted
    reverse proxies put in X-Forwarded-For (counting from the right, so a client
    cannot choose it by sending the header itself)."""
    if settings.NUM_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:1000]
