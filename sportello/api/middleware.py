"""What every answer under /api/ gets, whatever made it: the caller's language, problem
details for Django's own refusals, and no caching."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import problems

API_PREFIX = "/api/"


def language_of(request) -> str:
    """The first language of the Accept-Language header that the portal speaks, else Italian."""
    for code, _quality in translation.trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class ApiMiddleware:
    """For the API's addresses: answers in the language of Accept-Language (the pages
    ignore it: accounts.middleware.LanguageMiddleware), turns Django's own error pages
    (no such address, method not allowed, a request too large to read) into problem
    details, and says `Cache-Control: no-store` (answers depend on the token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.status_code in (400, 404, 405, 413) and response.get("Content-Type", "").startswith("text/html"):
            allow = response.get("Allow")
            response = {
                404: problems.not_found,
                405: problems.method_not_allowed,
            }.get(response.status_code, problems.unreadable)()
            if allow:
                response["Allow"] = allow
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        response.setdefault("Cache-Control", "no-store")
        return response
