"""Which browsers can run the portal, decided from the User-Agent header (manual §4).

The portal needs what htmx 2 and `shell.js` use (ES2017+, `fetch`, `Element.closest`,
`requestSubmit`) and what the stylesheet uses (custom properties, grid, flexbox `gap`,
`:focus-visible`): no version of Internet Explorer, nor legacy Edge (EdgeHTML, versions
12–18), runs them. The versions below are the oldest, per browser family as ua-parser
names it, that the portal supports; a family not listed here (Opera, Samsung Internet,
crawlers, command-line clients…) is let through, since a wrong refusal would lock out
someone whose browser works.
"""

from dataclasses import dataclass

from ua_parser import parse_user_agent

MINIMUM_VERSIONS = {
    "Chrome": 90,
    "Chrome Mobile": 90,
    "Chrome Mobile WebView": 90,
    "Chromium": 90,
    # "Edge" 12–18 is the legacy EdgeHTML engine; the Chromium-based Edge starts at 79.
    "Edge": 90,
    "Firefox": 90,
    "Firefox Mobile": 90,
    "Safari": 14,
    "Mobile Safari": 14,
}
# Families that no version of can run the portal.
NEVER_SUPPORTED = {"IE": "Internet Explorer", "IE Mobile": "Internet Explorer Mobile"}
# Engines recognised by their own token whatever the parser makes of the rest: Trident
# (every Internet Explorer, also in compatibility view) and EdgeHTML ("Edg/" is the new Edge).
LEGACY_ENGINES = {"Trident/": "Internet Explorer", "MSIE ": "Internet Explorer", " Edge/": "Microsoft Edge"}


@dataclass(frozen=True)
class Browser:
    """A browser as the User-Agent names it, e.g. `Browser("Internet Explorer", "11")`."""

    name: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


def unsupported_browser(user_agent: str) -> Browser | None:
    """The browser behind `user_agent` when it cannot run the portal, else None.

    An empty or unknown User-Agent counts as supported: only browsers known to fail are
    turned away. Parsing is cached by ua-parser itself (per User-Agent string)."""
    if not user_agent:
        return None
    parsed = parse_user_agent(user_agent)
    version = (parsed.major or "") if parsed else ""
    for token, name in LEGACY_ENGINES.items():
        if token in user_agent:
            return Browser(name, version)
    if parsed is None:
        return None
    if parsed.family in NEVER_SUPPORTED:
        return Browser(NEVER_SUPPORTED[parsed.family], version)
    minimum = MINIMUM_VERSIONS.get(parsed.family)
    if minimum is not None and version.isdigit() and int(version) < minimum:
        return Browser(parsed.family, version)
    return None
