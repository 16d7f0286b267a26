"""The steps of signing in that happen before Django's login, kept in the session.

Between the password and the code the person is not logged in: the session only
remembers who passed the first factor, for a few minutes. The same holds between
temporary credentials and "Creazione Utente".
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import User

PENDING_LOGIN = "sportello.pending_login"
PENDING_ACTIVATION = "sportello.pending_activation"
PENDING_LIFETIME = timedelta(minutes=30)


def _remember(request, key: str, user: User, **extra) -> None:
    request.session[key] = {"user": user.pk, "since": timezone.now().isoformat(), **extra}


def _recall(request, key: str) -> tuple[User | None, dict]:
    state = request.session.get(key)
    if not state:
        return None, {}
    if timezone.now() - datetime.fromisoformat(state["since"]) > PENDING_LIFETIME:
        request.session.pop(key, None)
        return None, {}
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    return user, state


def remember_pending_login(request, user: User, next_url: str) -> None:
    _remember(request, PENDING_LOGIN, user, next=next_url)


def pending_login(request) -> tuple[User | None, str]:
    user, state = _recall(request, PENDING_LOGIN)
    return user, state.get("next", "")


def remember_pending_activation(request, user: User, next_url: str) -> None:
    _remember(request, PENDING_ACTIVATION, user, next=next_url)


def pending_activation(request) -> User | None:
    user, _state = _recall(request, PENDING_ACTIVATION)
    return user if user is not None and not user.is_activated else None


def forget_pending(request) -> None:
    request.session.pop(PENDING_LOGIN, None)
    request.session.pop(PENDING_ACTIVATION, None)


def safe_next(request, candidate: str | None) -> str:
    """`candidate` when it is an absolute path of this site ("/tickets/12/"), else the
    empty string: never another site (OWASP ASVS 5.0 V3.7.2, open redirects), and never
    a bare word, which Django's redirect() would take for the name of a URL."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return ""
