"""The standard access checks every view of company data must pass, in one place.

`url_patterns()` lists every URL of the portal, so a test can notice a new one that
nobody thought about (see sportello/tests/test_access.py).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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
