"""What the chat gets from a mail: the new text, without quoted history, signature or
markup, and the files, each under the portal's limit."""

from sportello.mailin.cleaning import reply_content, request_content
from sportello.mailin.parsing import parse
from sportello.tickets.text import render_plain_text

from .conftest import MEGABYTE, eml

VALUES = {"REPLY_TO": "assistenza+12.3.abcdefghabcdefgh@sportello.example.com", "FROM": "bob@acme.example.com"}
QUOTED = ("ha scritto", "wrote:", "reparto di assistenza", "support team answered", "Sportello <", "Da:", "From:")


def reply_of(name: str):
    return reply_content(parse(eml(name, TICKET=12, **VALUES)))


def test_a_gmail_reply_in_italian_keeps_only_the_new_text_and_its_attachment():
    content = reply_of("gmail_reply_it")
    assert content.text == (
        "Buongiorno,\n"
        "ho riprovato stamattina: lo scarto della fattura F/1025 è ancora lì.\n"
        "Vi allego il PDF dell'esito che ci ha restituito lo SdI.\n\n"
        "Grazie,\nBob"
    )
    assert [(file.name, file.size) for file in content.files] == [("esito_SdI_F1025.pdf", 3 * MEGABYTE)]
    assert content.left_out == []


def test_an_outlook_reply_in_english_loses_its_history_signature_and_image_placeholder():
    content = reply_of("outlook_reply_en")
    assert content.text == (
        "Hello,\n\n"
        'The rejection is still there this morning. Here is the console right after "check invoice status":\n\n'
        "I attach the VAT register export as well."
    )
    assert not any(marker in content.text for marker in (*QUOTED, "Kind regards", "Bob Bruni", "cid:"))


def test_an_inline_image_becomes_an_attachment_and_a_part_over_the_limit_is_left_out(settings):
    content = reply_of("outlook_reply_en")
    assert [(file.name, file.size) for file in content.files] == [("image001.png", 150)]
    assert content.files[0].read().startswith(b"\x89PNG")
    assert content.left_out == [("registro_IVA_2025-02.xlsx", 5 * MEGABYTE)]
    settings.ATTACHMENT_MAX_BYTES = 6 * MEGABYTE
    assert [file.name for file in reply_of("outlook_reply_en").files] == ["image001.png", "registro_IVA_2025-02.xlsx"]


def test_a_thunderbird_reply_in_italian_is_unflowed_and_loses_signature_and_history():
    content = reply_of("thunderbird_reply_it")
    assert content.text == (
        "Buongiorno,\n\n"
        "confermo che dopo l'aggiornamento alla versione 2025.1 l'esito della fattura F/1025 è di nuovo corretto e "
        "la stampa del registro IVA funziona. Per me potete chiudere il ticket.\n\n"
        "Bob"
    )


def test_an_apple_mail_reply_loses_sent_from_my_iphone_and_the_quote():
    content = reply_of("apple_mail_reply_en")
    assert content.text == (
        "Hi Bob,\nthe fix for the rejected invoices is in version 2025.1.3, out tonight. "
        "I’ll check with you tomorrow morning."
    )


def test_html_only_mail_becomes_plain_text_and_no_markup_reaches_the_page():
    content = reply_of("outlook_web_html_only_it")
    assert content.text == (
        "Buongiorno,\n"
        "nel log del programma trovo la riga <script>errore 0x80070005</script> e poi Accesso negato.\n"
        "Passi per riprodurre:\n\n"
        "apro la console della fatturazione elettronica\n"
        'clicco su "verifica stato fattura"\n\n'
        "La guida che ho seguito: https://docs.example.com/fattura"
    )
    assert "attacker" not in content.text and "display:none" not in content.text and "Bob Bruni" not in content.text
    page = render_plain_text(content.text)
    assert "<script" not in page and "&lt;script&gt;errore" in page
    assert "onclick" not in page


def test_a_new_request_keeps_its_text_and_screenshot_without_the_signature():
    content = request_content(parse(eml("new_request_it", FROM="bob@acme.example.com")))
    assert content.text == (
        "Buongiorno,\n"
        "da questa mattina la stampa del registro IVA vendite si ferma con l'errore\n"
        '"Periodo non valido" anche per febbraio, che è aperto.\n'
        "Allego la schermata."
    )
    assert [file.name for file in content.files] == ["errore_registro.png"]


def test_a_forwarded_mail_sent_as_a_new_request_keeps_what_was_forwarded():
    raw = (
        b"From: Bob <bob@acme.example.com>\r\nTo: assistenza@sportello.example.com\r\nSubject: I: errore\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nVedi sotto.\r\n\r\n"
        b"Da: Sistema <erp@acme.example.com>\r\nInviato: luned\xc3\xac 3 marzo 2025 08:00\r\n"
        b"A: Bob <bob@acme.example.com>\r\nOggetto: errore\r\n\r\nErrore 0x80070005 nella stampa.\r\n"
    )
    assert "Errore 0x80070005 nella stampa." in request_content(parse(raw)).text


def test_files_past_the_most_per_message_are_left_out(settings):
    settings.ATTACHMENT_MAX_FILES = 1
    count = 3
    parts = "".join(
        f'--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="s{n}.png"\r\n\r\nPNG{n}\r\n'
        for n in range(count)
    )
    raw = (
        "From: bob@acme.example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        f"--b\r\nContent-Type: text/plain\r\n\r\nEcco.\r\n{parts}--b--\r\n"
    ).encode()
    content = reply_content(parse(raw))
    assert [file.name for file in content.files] == ["s0.png"]
    assert content.left_out == [("s1.png", 4), ("s2.png", 4)]


def test_an_image_only_the_quoted_history_showed_is_not_attached():
    raw = (
        b"From: bob@acme.example.com\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
        b'--r\r\nContent-Type: text/html\r\n\r\n<div>Nuovo testo <img src="cid:new@x"></div>'
        b'<div class="gmail_quote">Il giorno ... ha scritto:<img src="cid:old@x"></div>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <new@x>\r\n\r\nNEW\r\n"
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <old@x>\r\n\r\nOLD\r\n--r--\r\n"
    )
    content = reply_content(parse(raw))
    assert content.text == "Nuovo testo"
    assert [file.read() for file in content.files] == [b"NEW"]
