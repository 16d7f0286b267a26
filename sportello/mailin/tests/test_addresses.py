"""Reply addresses: one per ticket and recipient, that nobody can guess or alter."""

from types import SimpleNamespace

from sportello.mailin.addresses import ReplyTarget, is_plus_address, reply_address, verify

BOB = SimpleNamespace(pk=4711, email="bob@acme.example.com")
ALICE = SimpleNamespace(pk=4712, email="alice@acme.example.com")


def test_a_reply_address_is_a_signed_plus_address_of_the_support_address():
    address = reply_address(12, BOB)
    local, _, domain = address.partition("@")
    assert domain == "sportello.example.com"
    assert local.startswith("assistenza+12.")
    assert len(local) <= 64  # RFC 5321 §4.5.3.1.1
    assert verify(address) == ReplyTarget(ticket_id=12, recipient_id=4711)


def test_each_ticket_and_recipient_has_its_own_address():
    assert len({reply_address(12, BOB), reply_address(13, BOB), reply_address(12, ALICE)}) == 3


def test_a_reply_address_survives_a_mail_server_that_changes_its_case():
    assert verify(reply_address(12, BOB).upper()) == ReplyTarget(12, 4711)


def test_an_altered_ticket_recipient_or_signature_is_not_valid():
    address = reply_address(12, BOB)
    local, _, domain = address.partition("@")
    base, ticket_and_rest = local.split("+")
    _ticket, tag, signature = ticket_and_rest.split(".")
    other_signature = ("b" if signature[-1] != "b" else "c") + signature[1:]
    for forged in (
        f"{base}+13.{tag}.{signature}@{domain}",
        f"{base}+12.{tag}x.{signature}@{domain}",
        f"{base}+12.{tag}.{other_signature}@{domain}",
        f"{base}+12.{tag}.{signature[:-1]}@{domain}",
        f"{base}+12.{tag}.{signature}@elsewhere.example.com",
        f"other+12.{tag}.{signature}@{domain}",
    ):
        assert verify(forged) is None, forged


def test_an_address_made_with_another_key_is_not_valid(settings):
    address = reply_address(12, BOB)
    settings.SECRET_KEY = "another-secret-key-of-another-installation-0123456789abcdef"
    assert verify(address) is None


def test_an_address_made_before_the_key_was_rotated_stays_valid_while_the_old_key_is_a_fallback(settings):
    address = reply_address(12, BOB)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-after-rotation-0123456789abcdefghijklmnop"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert verify(address) == ReplyTarget(12, 4711)
    settings.SECRET_KEY_FALLBACKS = []
    assert verify(address) is None


def test_plus_addresses_of_the_support_address_are_recognised_even_when_forged():
    assert is_plus_address("assistenza+12.abc.whatever@sportello.example.com")
    assert is_plus_address("Assistenza+anything@Sportello.Example.com")
    assert not is_plus_address("assistenza@sportello.example.com")
    assert not is_plus_address("assistenza+1@elsewhere.example.com")


def test_without_a_support_address_there_is_no_reply_address(settings):
    settings.INBOUND_EMAIL_ADDRESS = ""
    assert reply_address(12, BOB) == ""
    assert verify("assistenza+12.3nb.aaaaaaaaaaaaaaaa@sportello.example.com") is None
