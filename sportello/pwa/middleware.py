"""Turns away browsers that cannot run the portal (manual §4) before any view runs."""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from .browsers import unsupported_browser
from .views import unsupported_browser_page

# What an unsupported browser may still reach: the health check (monitors may send any
# User-Agent), the installable app's files, the unsupported-browser page itself and the
# classic portal's page (old bookmarks live in old browsers). Static files are answered
# by WhiteNoise before this middleware; their prefix is let through as well, for a 404.
EXEMPT_VIEWS = {"healthz", "pwa:manifest", "pwa:service_worker", "pwa:unsupported_browser", "pwa:classic_portal"}


class UnsupportedBrowserMiddleware:
    """Answers every page an unsupported browser asks for (GET or HEAD) with the page that
    explains the two ways out, status 200 and at the address asked: no redirect, so no
    loop, and the address still works once the person switches browser.

    Other methods pass: the server enforces its rules whatever the browser, and the page's
    own language form (a POST) must work. Place it after the language, session and CSP
    middleware, so that the page is in the person's language and carries the nonce."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        browser = unsupported_browser(request.headers.get("User-Agent", ""))
        if browser is not None and not self._is_exempt(request):
            response = unsupported_browser_page(request, browser)
            # The same address answers differently once the browser changes: keep no copy.
            add_never_cache_headers(response)
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ["User-Agent"])
        return response

    @staticmethod
    def _is_exempt(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(request.path_info).view_name in EXEMPT_VIEWS
        except Resolver404:
            return False
