from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from sportello.lib.html import escape_text
from sportello.lib.templatetags.choices import options


def test_escape_text_writes_what_djangos_escape_writes():
    for value in ['<script>alert("x")</script>', "l'ordine & il DDT", "", 42, None, "già ✓"]:
        assert escape_text(value) == escape(value)


def test_escape_text_resolves_a_lazy_translation_in_the_active_language():
    label = gettext_lazy("Any")
    with translation.override("it"):
        assert escape_text(label) == escape(str(label)) == "Qualsiasi"
    with translation.override("en"):
        assert escape_text(label) == "Any"


def test_options_escape_values_and_labels_and_mark_the_current_one():
    html = options([("", "Qualsiasi"), (7, 'Rossi <"Mario">'), ("a&b", "A & B")], 7)
    assert html == (
        '<option value="">Qualsiasi</option>'
        '<option value="7" selected>Rossi &lt;&quot;Mario&quot;&gt;</option>'
        '<option value="a&amp;b">A &amp; B</option>'
    )
