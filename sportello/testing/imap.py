"""A real IMAP server on loopback for the tests: Debian's Dovecot, with a configuration of
its own in a temporary folder (no path that only root may write, no system service), a
free port and one test user.

Run as root, Dovecot's own unprivileged users (made by the Debian package) run its login
and mail processes; run as anyone else, that person's account runs all of them.
"""

import contextlib
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imap_tools import MailBoxUnencrypted

from .smtp import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


class DovecotServer:
    """`start()` runs `dovecot -F` on 127.0.0.1:`port`; `stop()` ends it and its children and
    deletes its folder. The folder is a new one under the system's temporary directory:
    pytest's own are readable by their owner only, and Dovecot's users must reach it."""

    def __init__(self, user: str = "sportello"):
        self.folder = Path(tempfile.mkdtemp(prefix="sportello-dovecot-"))
        self.port = free_port()
        self.user = user
        self.password = secrets.token_urlsafe(12)
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / "dovecot.log"

    def start(self) -> None:
        if not os.path.exists(DOVECOT):
            raise RuntimeError("Dovecot is missing: run bin/install-system-deps (Debian package dovecot-imapd).")
        config = self._write_configuration()
        with open(self.folder / "dovecot.stderr", "wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        # Its login, auth and imap processes share its session: none may outlive the tests.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def mailbox(self) -> MailBoxUnencrypted:
        """A signed-in IMAP client (imap-tools), for the tests to put mail in and look."""
        return MailBoxUnencrypted("127.0.0.1", self.port, timeout=10).login(self.user, self.password)

    def empty(self) -> None:
        """Deletes every message of every folder, and the folders but INBOX."""
        with self.mailbox() as box:
            for folder in box.folder.list():
                box.folder.set(folder.name)
                box.delete(box.uids())
            box.folder.set("INBOX")
            for folder in box.folder.list():
                if folder.name != "INBOX":
                    box.folder.delete(folder.name)

    def _wait_until_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot exited: {self._logs()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    if connection.recv(200).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not answer on port {self.port}: {self._logs()}")

    def _logs(self) -> str:
        texts = [path.read_text(errors="replace")[-3000:] for path in self.folder.glob("dovecot*") if path.is_file()]
        return "\n".join(texts)

    def _write_configuration(self) -> Path:
        for name in ("run", "state", "mail"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            internal, login = "dovecot", "dovenull"
            mail_user = pwd.getpwnam("dovecot")
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            internal = login = mail_user.pw_name
        mail_group = grp.getgrgid(mail_user.pw_gid).gr_name
        if os.geteuid() == 0:
            # The mail processes run as Dovecot's user: they must be able to reach and write the folder.
            for path in (self.folder, self.folder / "mail", self.folder / "state"):
                os.chown(path, mail_user.pw_uid, mail_user.pw_gid)
            os.chmod(self.folder, 0o755)  # noqa: S103 - Dovecot's user must reach the mail folder
        (self.folder / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        os.chmod(self.folder / "users", 0o644)
        values = {
            "folder": self.folder,
            "port": self.port,
            "internal": internal,
            "login": login,
            "uid": mail_user.pw_uid,
            "gid": mail_user.pw_gid,
            "group": mail_group,
        }
        template = CONFIG_2_4 if dovecot_version() >= (2, 4) else CONFIG_2_3
        path = self.folder / "dovecot.conf"
        path.write_text(template.format(**values))
        return path


def dovecot_version() -> tuple[int, int]:
    output = subprocess.run(  # noqa: S603 - our own command line
        [DOVECOT, "--version"], capture_output=True, text=True, check=True
    ).stdout
    major, minor = re.match(r"(\d+)\.(\d+)", output).groups()
    return int(major), int(minor)


# Dovecot 2.3 (Debian 12).
CONFIG_2_3 = """
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""

# Dovecot 2.4 (Debian 13) renamed most of these settings.
CONFIG_2_4 = """
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_driver = maildir
mail_path = {folder}/mail/%{{user}}
passdb passwd-file {{
  passwd_file_path = {folder}/users
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {folder}/mail/%{{user}}
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    listen = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""
