"""A person's browser reduced to HTTP, for tests that talk to real servers over the network:
it keeps cookies, follows redirects and fills in the forms the pages carry (hidden fields
included, so a form's CSRF token and one-time key go back as a browser would send them).

    browser = HTTPBrowser("10.213.0.10", site="portal.test")
    page = browser.get("/account/login/")
    page = browser.submit(page.form("/account/login/"), {"email": ..., "password": ...})

Every request opens its own connection to `address` (port 80 unless given; from the
local address `source` when given) and names the site `site` in its Host header, as a
browser would when the site's name points there.
"""

import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(
                Form(
                    attributes.get("action", ""),
                    attributes.get("method", "get").lower(),
                    attributes.get("enctype", "application/x-www-form-urlencoded"),
                )
            )
            return
        if not self.forms or not attributes.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attributes)
            return
        form, name = self.forms[-1], attributes["name"]
        kind = attributes.get("type", "text").lower()
        if tag == "input" and kind not in ("submit", "button", "image", "reset", "file"):
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    form.fields[name] = attributes.get("value", "on")
            else:
                form.fields[name] = attributes.get("value", "")
        elif tag == "select":
            self._select, self._select_first = name, None
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def _option(self, attributes):
        value = attributes.get("value", "")
        if self._select_first is None:
            self._select_first = value
            self.forms[-1].fields.setdefault(self._select, value)
        if "selected" in attributes:
            self.forms[-1].fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and self.forms:
            self.forms[-1].fields[self._textarea] += data


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def form(self, action: str) -> Form:
        """The page's form that posts to `action` (a path)."""
        parser = _FormParser()
        parser.feed(self.text)
        for form in parser.forms:
            if urlsplit(urljoin(self.path, form.action or self.path)).path == action:
                return form
        raise AssertionError(f"no form posting to {action} on {self.path} ({self.status}):\n{self.text[:2000]}")

    def links(self, pattern: str) -> list[str]:
        return re.findall(pattern, self.text)

    def errors(self) -> list[str]:
        """The form errors the page shows (Django's error lists, the forms' alerts)."""
        blocks = re.findall(r'class="(?:errorlist|form-errors)"[^>]*>(.*?)</(?:ul|div)>', self.text, re.S)
        return [" ".join(re.sub(r"<[^>]+>", " ", block).split()) for block in blocks]

    def __str__(self) -> str:
        return f"{self.status} {self.path} {self.errors() or ''}"


class HTTPBrowser:
    def __init__(self, address: str, *, site: str, port: int = 80, timeout: float = 30, source: str | None = None):
        self.address = address
        self.port = port
        self.site = site
        self.timeout = timeout
        self.source = source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes = b"", headers: dict | None = None) -> Response:
        """One request, no redirect followed. Raises OSError (or http.client's errors) when
        the connection fails."""
        connection = http.client.HTTPConnection(
            self.address, self.port, timeout=self.timeout, source_address=(self.source, 0) if self.source else None
        )
        try:
            sent = {"Host": self.site, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 sportello-tests"}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            if method == "POST":
                sent["Origin"] = f"http://{self.site}"
                sent["Referer"] = f"http://{self.site}{path}"
            sent.update(headers or {})
            connection.request(method, path, body=body or None, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read(), path)
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, *, follow: bool = True) -> Response:
        response = self.request("GET", path)
        return self._follow(response) if follow else response

    def submit(
        self, form: Form, values: dict | None = None, *, files: dict | None = None, follow: bool = True
    ) -> Response:
        """Posts `form` with its own fields (hidden ones included) changed by `values`, and
        `files` ({field: SimpleUploadedFile or a list of them}) as a multipart body; follows
        the redirect that answers it unless `follow` is false."""
        data = {**form.fields, **(values or {})}
        if files or form.enctype == "multipart/form-data":
            body = encode_multipart(BOUNDARY, {**data, **(files or {})})
            content_type = MULTIPART_CONTENT
        else:
            body = urlencode(data).encode()
            content_type = "application/x-www-form-urlencoded"
        path = urlsplit(form.action).path or "/"
        response = self.request("POST", path, body=body, headers={"Content-Type": content_type})
        return self._follow(response) if follow else response

    def _follow(self, response: Response, hops: int = 10) -> Response:
        while response.status in (301, 302, 303, 307, 308) and hops:
            location = urlsplit(urljoin(response.path, response.headers["Location"]))
            response = self.request("GET", location.path + (f"?{location.query}" if location.query else ""))
            hops -= 1
        return response
