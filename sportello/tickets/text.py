"""Plain text as the portal shows it: escaped, line breaks kept, links clickable."""

from django.utils.html import linebreaks, urlize


def render_plain_text(text: str) -> str:
    """HTML for a message typed by a person. Everything is escaped first, so no markup
    anybody writes ever runs; only line breaks and links are added back."""
    if not text:
        return ""
    linked = urlize(text.strip(), trim_url_limit=80, nofollow=True, autoescape=True)
    return linebreaks(linked, autoescape=False).replace('rel="nofollow"', 'rel="nofollow noopener noreferrer"')


def first_line(text: str, limit: int) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
