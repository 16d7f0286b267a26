"""The README's curl examples, run as written (with this test's server, token and files)
against a live server: the ERP opens a ticket with its context and a log file, and gets
back the ticket's number and its page's address."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from sportello.testing.api import make_token
from sportello.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
README = Path(settings.BASE_DIR) / "README.md"


def curl_examples() -> list[str]:
    """The README's shell blocks that call the API with curl, each as one command line."""
    blocks = re.findall(
        r"```sh\n(curl -sS https://portal\.example\.com/api/v1/tickets.*?)\n```", README.read_text(), re.S
    )
    return [block.split("\n#", 1)[0].replace("\\\n", " ") for block in blocks]


@pytest.mark.parametrize("example", range(2))  # the ERP's, then the API section's
def test_the_readme_curl_examples_open_a_ticket_with_an_attachment(example, live_server, acme, bob, tmp_path):
    command = curl_examples()[example]
    for name in re.findall(r"@([\w.-]+)", command):
        (tmp_path / name).write_text("10:02 spooler stopped\n" * 50)
    environment = {"SPORTELLO_TOKEN": make_token(bob, acme), "ERP_EVENT_ID": "evt-42", "PATH": "/usr/bin:/bin"}
    command = command.replace("https://portal.example.com", live_server.url).replace("spt_…", "$SPORTELLO_TOKEN")
    command = command.replace("$(uuidgen)", "readme-example")

    done = subprocess.run(["sh", "-c", command], cwd=tmp_path, env=environment, capture_output=True, text=True)

    answer = json.loads(done.stdout)
    ticket = Ticket.objects.get()
    assert answer["number"] == ticket.pk and answer["url"].endswith(f"/tickets/{ticket.pk}/")
    assert ticket.requester == bob
    [attachment] = answer["messages"][0]["attachments"]
    assert attachment["size"] == len("10:02 spooler stopped\n") * 50
    if "erp_program" in command:
        assert (ticket.erp_program, ticket.erp_version) == ("Contabilità", "24.3.1")
