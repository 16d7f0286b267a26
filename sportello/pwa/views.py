"""Views of the pwa app (manual §4): the manifest and the service worker that make the
portal installable, the offline page, the page for unsupported browsers and the retired
classic portal's address."""

import hashlib
import json
from datetime import date

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sportello.access import public

from .browsers import MINIMUM_VERSIONS, Browser
from .browsers import unsupported_browser as detect_unsupported_browser

THEME_COLOR = "#0b5cab"  # --blue in sportello.css
CLASSIC_PORTAL_CLOSED_ON = date(2023, 3, 1)
# (static path, sizes, purpose): drawn by `python -m sportello.pwa.icons`.
ICONS = [
    ("pwa/icon-192.png", "192x192", "any"),
    ("pwa/icon-512.png", "512x512", "any"),
    ("pwa/icon-maskable-512.png", "512x512", "maskable"),
]
# The page shell the service worker keeps for offline use. Static files only: the one
# page it stores is the offline page, never a page with anybody's data.
SHELL_FILES = [
    "css/sportello.css",
    "js/shell.js",
    "js/forms.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "pwa/register.js",
    "img/sportello.svg",
    *(path for path, _sizes, _purpose in ICONS),
]
OFFLINE_TEMPLATES = ["pwa/offline.html", "base.html"]


@public
@require_safe
def manifest(request):
    """The web app manifest: what a browser needs to install the portal as an app."""
    data = {
        "id": reverse("home"),
        "name": "Sportello",
        "short_name": "Sportello",
        "description": _("The customer support portal: open tickets and follow them with the support operators."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("dashboard:home"),
        "scope": reverse("home"),
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": THEME_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@public
@require_safe
def service_worker(request):
    """The service worker, served from the root so that its scope is the whole portal.

    A template rather than a static file: it lists the shell's files by the URLs the
    storage gives them (content-hashed in production), and its cache is named after their
    content, so a deploy that changes the shell installs a new worker, which deletes the
    old cache."""
    precache = [static(path) for path in SHELL_FILES] + [reverse("pwa:offline")]
    context = {
        "cache_name": f"sportello-shell-{_shell_version(precache)}",
        "precache": json.dumps(precache),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "offline_url": json.dumps(reverse("pwa:offline")),
        # Other static files are kept on first use only when their names carry their
        # content's hash (production): without it (development) a kept copy would go stale.
        "cache_other_static": json.dumps(isinstance(staticfiles_storage, ManifestFilesMixin)),
    }
    response = render(request, "pwa/sw.js", context, content_type="text/javascript")
    # The browser asks for the worker at each navigation: it must see a new deploy at once.
    response["Cache-Control"] = "no-cache"
    return response


def _shell_version(precache: list[str]) -> str:
    digest = hashlib.sha256("\n".join(precache).encode())
    for path in SHELL_FILES:
        if found := finders.find(path):
            with open(found, "rb") as file:
                digest.update(file.read())
    for name in OFFLINE_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:16]


@public
@require_safe
def offline(request):
    """What the service worker shows when the network is gone. It is stored once, fetched
    without cookies, so it says the same in every language and shows nobody's data."""
    return render(request, "pwa/offline.html", {"languages": [code for code, _name in settings.LANGUAGES]})


@public
@require_safe
def unsupported_browser(request):
    """The manual's "Utilizzo di un Browser non supportato", at an address of its own."""
    return unsupported_browser_page(request, detect_unsupported_browser(request.headers.get("User-Agent", "")))


def unsupported_browser_page(request, browser: Browser | None):
    """The two ways out of an unsupported browser; `browser` is the one in use, if it is one."""
    context = {
        "browser": browser,
        "portal_url": f"{settings.SITE_URL}{reverse('dashboard:home')}",
        "minimum": {family.lower(): MINIMUM_VERSIONS[family] for family in ("Chrome", "Edge", "Firefox", "Safari")},
    }
    return render(request, "pwa/unsupported_browser.html", context)


@public
@require_safe
def classic_portal(request):
    """The classic portal's old address: it says the classic portal is closed and leads to
    the new portal's sign-in."""
    return render(request, "pwa/classic_portal.html", {"closed_on": CLASSIC_PORTAL_CLOSED_ON})
