"""Middleware of the accounts app: the signed-in person, the interface language, and pages
of a signed-in person kept out of every cache."""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from sportello.tenants.middleware import SESSION_KEY as TENANT_SESSION_KEY

from .backends import ACCOUNT_BACKEND, LEGACY_BACKEND, session_tenant


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, but the person is read with their membership of the session's company in
    one query (backends.AccountBackend) instead of two. Django's auth.get_user() still reads
    and verifies the session: its backend, the account active, the session hash (a changed
    password ends the other sessions)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))


def get_user(request):
    if not hasattr(request, "_cached_user"):
        session = request.session
        if session.get(auth.BACKEND_SESSION_KEY) == LEGACY_BACKEND:
            # A session signed in before AccountBackend: the same check, under its new name.
            session[auth.BACKEND_SESSION_KEY] = ACCOUNT_BACKEND
        token = session_tenant.set(session.get(TENANT_SESSION_KEY))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            session_tenant.reset(token)
    return request._cached_user


class LanguageMiddleware:
    """Chooses the interface language: the user's own, else the language cookie, else Italian.

    Unlike Django's LocaleMiddleware this never follows the browser's Accept-Language:
    the portal is Italian by default, and English only for those who choose it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = dict(settings.LANGUAGES)

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response

    def _choose(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        return settings.LANGUAGE_CODE


class PrivatePagesMiddleware:
    """Every answer to a signed-in person says `Cache-Control: no-store` unless its view
    chose otherwise (a profile picture may be kept an hour by the browser): a page with a
    company's tickets must not stay in a shared proxy or in the browser's cache after
    sign-out (OWASP ASVS 5.0 V14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
