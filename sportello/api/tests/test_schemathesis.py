"""The API against its own OpenAPI document, by schemathesis, over HTTP to a live server:
generated requests for every operation (valid ones, and invalid ones that must be
refused), with a company's token and with an operator's, then sequences that follow the
document's links (open a ticket, then read and answer it; take the first of the queue,
then move it). No answer may be a 500, leave the document (status, content type,
headers, body), accept what the document forbids, or refuse what it allows."""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from sportello.testing.api import make_token
from sportello.testing.fixtures import make_ticket
from sportello.tickets.services import reply_as_customer

# A request the document calls valid may still break a rule that no schema can say (the
# end date before the start date, a contact person who is not a member, an unknown
# operator, closing too early): 422 and 409 are then right, besides what the check allows.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}}}
)
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def world(transactional_db, acme, globex, alice, bob, eve, oscar, victor, settings):
    """Tickets with attachments in two companies; tokens that may write, for ACME's
    administrator and for a vendor administrator."""
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    for n in range(3):
        ticket = make_ticket(acme, bob, title=f"Problema {n}")
        reply_as_customer(bob, ticket, body="Il log", files=[SimpleUploadedFile("erp.log", b"log")])
    make_ticket(globex, eve, title="Globex")
    return {
        "customer": {"Authorization": f"Bearer {make_token(alice, acme)}"},
        "desk": {"Authorization": f"Bearer {make_token(victor)}"},
    }


@pytest.fixture
def api_schema(world, live_server):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", config=CONFIG)


SCOPES = [("customer", ["Company", "Tokens"]), ("desk", ["Desk", "Tokens"])]


@pytest.mark.parametrize(("scope", "tags"), SCOPES)
def test_every_operation_keeps_the_document(scope, tags, api_schema, world):
    """Each operation of the scope, with valid requests and with invalid ones."""
    operations = [result.ok() for result in api_schema.include(tag=tags).get_all_operations()]
    assert operations
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def keeps_the_document(case):
                case.call_and_validate(headers=world[scope])

            keeps_the_document()


@pytest.mark.parametrize(("scope", "tags"), SCOPES)
def test_sequences_that_follow_the_documents_links_keep_it(scope, tags, api_schema, world):
    headers = world[scope]

    class Sequences(api_schema.include(tag=tags).as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

    Sequences.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=5,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
