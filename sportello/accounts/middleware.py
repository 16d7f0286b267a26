"""Middleware of the accounts app: the interface language, and pages of a signed-in person
kept out of every cache."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
