"""The standard access checks every view of company data must pass, in one place.

`url_patterns()` lists every URL of the portal, so a test can notice a new one that
nobody thought about; `check_access()` asks a URL as several people and compares
each answer with the expected one.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .fixtures import sign_in

SKIPPED_NAMESPACES = {"admin"}  # Django's admin: staff only, guarded by Django itself


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    arguments: tuple[str, ...]


def url_patterns() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner in SKIPPED_NAMESPACES:
                    continue
                yield from walk(
                    entry, prefix + str(entry.pattern), f"{namespace}{inner}:" if entry.namespace else namespace
                )
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                route = prefix + str(entry.pattern)
                arguments = tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
                yield Route(name=name, route=route, arguments=arguments)

    yield from walk(get_resolver(), "", "")


def request(client: Client, url: str, method: str = "get", data=None):
    return getattr(client, method)(url, data or {})


def check_access(url: str, *, method: str = "get", data=None, expected: dict) -> None:
    """`expected` maps (user, tenant) — or None for an anonymous visitor — to the status
    code (or, for a redirect, the start of its destination) the URL must answer."""
    problems = []
    for who, want in expected.items():
        client = Client() if who is None else sign_in(Client(), *who)
        response = request(client, url, method, data)
        got = response.status_code
        if isinstance(want, str):
            ok = got == 302 and response.url.startswith(want)
            got = f"{got} → {getattr(response, 'url', '')}"
        else:
            ok = got == want
        if not ok:
            label = "anonymous" if who is None else who[0].email
            problems.append(f"{method.upper()} {url} as {label}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)
