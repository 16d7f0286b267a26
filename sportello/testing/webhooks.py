"""A real webhook receiver on loopback for the tests: an HTTP server that checks each
delivery's signature with the Standard Webhooks library, as a customer's system would,
and answers what the test asks (200, 500, a redirect), or is down."""

import json
import ssl
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    """`secret` is the endpoint's; `answers` the statuses to give, in order (then 200)."""

    def __init__(self, tls_name: str | None = None, tls_dir=None):
        self.tls_name = tls_name
        self.certificate = None
        if tls_name:
            self.certificate, self.key = make_certificate(tls_name, tls_dir)
        self.secret: str | None = None
        self.answers: list[int] = []
        self.redirect_to: str | None = None
        self.received: list[Received] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        if self.tls_name:
            return f"https://localhost:{self.port}/hooks/sportello"
        return f"http://127.0.0.1:{self.port}/hooks/sportello"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
                receiver.received.append(Received(self.path, headers, body, verified))
                if receiver.redirect_to:
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver broke")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        if self.certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certificate, self.key)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Takes the receiver down: its port refuses connections until start() again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def make_certificate(name: str, directory) -> tuple[str, str]:
    """A self-signed certificate for the host `name` (OpenSSL's command line); the paths of
    the certificate and of its key."""
    certificate, key = directory / f"{name}.pem", directory / f"{name}.key"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
               "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(certificate)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - a fixed command of the tests
    return str(certificate), str(key)
