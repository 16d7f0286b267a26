"""From a message to what the chat shows: the new text only, and the files.

The text part is preferred; HTML-only mail is turned into text by html-text (lxml's
cleaner drops scripts, styles and comments first). The chat stores plain text and
escapes it when it renders it (tickets.text.render_plain_text), so no markup of the mail
ever reaches a page. Quoted history and signatures are cut in two steps: in HTML, at the
containers the clients mark (Gmail, Outlook, Thunderbird, Apple Mail, Yahoo); in text,
by mail-parser-reply, which knows the clients' attribution lines and header blocks in
Italian and English ("Il … ha scritto:", "Da: … Inviato: …", "On … wrote:", "From: … Sent: …")
and the usual signatures ("-- ", "Inviato da iPhone", "Cordiali saluti", "Best regards").

Inline images and attachments become attachments, each under the portal's limit
(ATTACHMENT_MAX_BYTES, at most ATTACHMENT_MAX_FILES); images that only the quoted history
or a removed signature showed are left out. A part over the limit is not attached: it is
named in a line added to the message, and the sender is told (services).
"""

import mimetypes
import re
from dataclasses import dataclass, field
from email.message import EmailMessage

import html_text
import lxml.html
from django.conf import settings
from django.core.files.base import ContentFile
from mailparser_reply.parser import EmailMessage as ReplyText

# The longest text a message of the chat takes (the reply and new-ticket forms' limit).
MAX_TEXT = 20000

_CLASS = "//*[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
# Where each client starts the quoted history, in its HTML. Everything from there on goes.
_QUOTE_MARKERS = " | ".join(
    [
        _CLASS.format("gmail_quote_container"),
        _CLASS.format("gmail_quote"),  # Gmail
        "//*[@id='appendonsend'] | //*[@id='divRplyFwdMsg']",  # Outlook on the web, new Outlook
        "//*[@id='mail-editor-reference-message-container']",  # Outlook for Mac, new Outlook
        _CLASS.format("moz-cite-prefix"),  # Thunderbird
        "//blockquote[@type='cite']",  # Thunderbird, Apple Mail
        _CLASS.format("yahoo_quoted"),  # Yahoo
    ]
)
# Signatures the clients mark. Removed where they are.
_SIGNATURE_MARKERS = " | ".join(
    [_CLASS.format("gmail_signature"), _CLASS.format("moz-signature"), "//*[@id='Signature']"]
)
_LANGUAGES = ["it", "en"]


@dataclass
class Content:
    """The text for the chat, the files to attach, and the parts left out for their size
    or number (name, size in bytes)."""

    text: str
    files: list[ContentFile] = field(default_factory=list)
    left_out: list[tuple[str, int]] = field(default_factory=list)


def reply_content(message: EmailMessage) -> Content:
    """The new text of a reply (quoted history and signature cut) and its files."""
    text, kept_html = _body(message, cut_quotes=True)
    replies = _replies(text)
    return Content(_limit(replies[0].body if replies else ""), *_files(message, kept_html))


def request_content(message: EmailMessage) -> Content:
    """The text of a new request and its files. What a person forwards to the support
    address is the request itself, so quoted or forwarded text stays; only a signature
    is cut, when the message is the person's own text alone."""
    text, kept_html = _body(message, cut_quotes=False)
    replies = _replies(text)
    if len(replies) == 1:
        text = replies[0].body
    return Content(_limit(text), *_files(message, kept_html))


def _replies(text: str) -> list:
    """mail-parser-reply's fragments of `text`, newest first; lists made of hyphens stay text."""
    return ReplyText(text=text, languages=list(_LANGUAGES), keep_hyphen_lists=True).read().replies


# Outlook's stand-in, in the text part, for an image of the HTML one: the image is attached.
_CID_PLACEHOLDER = re.compile(r"\[cid:[^\]\s]*\]")


def _limit(text: str) -> str:
    text = re.sub(r"\n{3,}", "\n\n", _CID_PLACEHOLDER.sub("", text).strip())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


# --- the text ------------------------------------------------------------------------


def _body(message: EmailMessage, *, cut_quotes: bool) -> tuple[str, lxml.html.HtmlElement | None]:
    """(the text of the message, its HTML once cut, or None when it has no HTML part)."""
    html_part = message.get_body(preferencelist=("html",))
    kept_html = None
    if html_part is not None:
        kept_html = html_text.parse_html(_decoded(html_part) or "<html></html>")
        _remove_marked(kept_html, cut_quotes)
    plain_part = message.get_body(preferencelist=("plain",))
    if plain_part is not None:
        return _plain_text(plain_part), kept_html
    if kept_html is not None:
        return html_text.extract_text(kept_html, guess_layout=True), kept_html
    return "", None


def _decoded(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _plain_text(part: EmailMessage) -> str:
    text = _decoded(part).replace("\r\n", "\n")
    if part.get_param("format", "").lower() == "flowed":
        text = _unflow(text, delete_space=part.get_param("delsp", "").lower() == "yes")
    return text


def _unflow(text: str, *, delete_space: bool) -> str:
    """Joins the soft line breaks of format=flowed text (RFC 3676 §4.2): a line that ends
    with a space goes on in the next one (the signature separator "-- " excepted)."""
    lines: list[str] = []
    joining = False
    for line in text.split("\n"):
        line = line[1:] if line.startswith(" ") else line  # space-stuffing (§4.4)
        if joining and lines:
            lines[-1] += line
        else:
            lines.append(line)
        joining = line.endswith(" ") and line != "-- "
        if joining and delete_space:
            lines[-1] = lines[-1][:-1]
    return "\n".join(lines)


def _remove_marked(tree: lxml.html.HtmlElement, cut_quotes: bool) -> None:
    for signature in tree.xpath(_SIGNATURE_MARKERS):
        _drop(signature)
    if cut_quotes:
        markers = tree.xpath(_QUOTE_MARKERS)  # in document order
        if markers:
            _cut_from(markers[0])


def _drop(element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)  # its tail (the text after it) stays
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail


def _cut_from(element) -> None:
    """Removes `element` and everything after it in the document."""
    node = element
    while node.getparent() is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    element.getparent().remove(element)


# --- the files -------------------------------------------------------------------------


def _files(message: EmailMessage, kept_html) -> tuple[list[ContentFile], list[tuple[str, int]]]:
    hidden = _all_cids(message) - _cids(kept_html) if kept_html is not None else set()
    files: list[ContentFile] = []
    left_out: list[tuple[str, int]] = []
    for number, part in enumerate(_attachment_parts(message), start=1):
        if str(part.get("Content-ID", "")).strip().strip("<>").lower() in hidden:
            continue  # an image that only the quoted history or a removed signature showed
        data = part.get_content() if part.get_content_type() == "message/rfc822" else part.get_payload(decode=True)
        data = data.as_bytes() if isinstance(data, EmailMessage) else (data or b"")
        name = _file_name(part, number)
        if len(data) >= settings.ATTACHMENT_MAX_BYTES or len(files) >= settings.ATTACHMENT_MAX_FILES:
            left_out.append((name, len(data)))
        else:
            files.append(ContentFile(data, name=name))
    return files, left_out


def _attachment_parts(message: EmailMessage):
    """The leaves that are files: everything but the text and HTML bodies, without going
    into attached messages (an attached e-mail is one file, .eml)."""
    for part in _leaves(message):
        is_text = part.get_content_type() in ("text/plain", "text/html")
        if is_text and part.get_content_disposition() != "attachment" and not part.get_filename():
            continue
        yield part


def _leaves(part: EmailMessage):
    if part.is_multipart() and part.get_content_type() != "message/rfc822":
        for child in part.iter_parts():
            yield from _leaves(child)
    else:
        yield part


_CID = re.compile(r"^cid:(.+)$", re.I)


def _cids(tree) -> set[str]:
    return {match[1].strip("<>").lower() for src in tree.xpath("//img/@src") if (match := _CID.match(src.strip()))}


def _all_cids(message: EmailMessage) -> set[str]:
    html_part = message.get_body(preferencelist=("html",))
    if html_part is None:
        return set()
    return _cids(html_text.parse_html(_decoded(html_part) or "<html></html>"))


def _file_name(part: EmailMessage, number: int) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken parameter is no reason to lose the file
        name = None
    if name:
        return name
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        return f"message-{number}.eml"
    extension = mimetypes.guess_extension(content_type) or ".bin"
    stem = "image" if content_type.startswith("image/") else "attachment"
    return f"{stem}-{number}{extension}"
