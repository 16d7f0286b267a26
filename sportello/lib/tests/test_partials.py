"""The Jinja2 partials (sportello/lib/partials.py) escape what they write, as Django's
templates do, and the helpers they use speak the active language."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from jinja2 import Template, UndefinedError
from markupsafe import Markup, escape

from sportello.lib.humanize import file_size, time_since
from sportello.lib.partials import _written, django_escape, environment, iso_seconds, render_partial, translator
from sportello.lib.templatetags.choices import options
from sportello.lib.templatetags.fields import widget
from sportello.tickets.templatetags.tickets import _row_context


def test_options_escape_values_and_labels_and_mark_the_current_one():
    html = options([("", "Qualsiasi"), (7, 'Rossi <"Mario">'), ("a&b", "A & B")], 7)
    assert html == (
        '<option value="">Qualsiasi</option>'
        '<option value="7" selected>Rossi &lt;&#34;Mario&#34;&gt;</option>'
        '<option value="a&amp;b">A &amp; B</option>'
    )


def test_options_write_a_lazy_translation_in_the_active_language():
    label = gettext_lazy("Any")
    with translation.override("it"):
        assert options([("", label)], None) == '<option value="" selected>Qualsiasi</option>'
    with translation.override("en"):
        assert options([("", label)], None) == '<option value="" selected>Any</option>'


def test_options_of_values_that_cannot_be_a_key_are_written_all_the_same():
    assert options(iter([(["a"], "A"), (None, "B")]), "['a']") == (
        '<option value="[&#39;a&#39;]" selected>A</option><option value="">B</option>'
    )


def test_the_partials_escape_even_when_the_settings_ask_them_not_to():
    template = environment(autoescape=False, loader=None).from_string("<p>{{ text }}</p>")
    assert template.render(text="<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_the_partials_engine_escapes_with_the_projects_settings():
    template = engines["jinja2"].from_string("{{ text }}|{{ safe_text|safe }}")
    assert template.render({"text": "<b>", "safe_text": "<i>"}) == "&lt;b&gt;|<i>"


def test_a_misspelt_name_in_a_partial_fails_instead_of_writing_nothing():
    with pytest.raises(UndefinedError):
        render_partial("partials/options.html", {"choices": [("1", "Uno")]})


def test_times_in_datetime_attributes_have_whole_seconds():
    moment = datetime(2026, 3, 2, 12, 50, 4, 480182, tzinfo=UTC)
    assert iso_seconds(moment) == "2026-03-02T13:50:04+01:00"


@pytest.mark.parametrize(
    ("elapsed", "italian", "english"),
    [
        (timedelta(seconds=20), "meno di un minuto", "less than a minute"),
        (timedelta(minutes=1, seconds=59), "1 minuto", "1 minute"),
        (timedelta(minutes=5), "5 minuti", "5 minutes"),
        (timedelta(hours=1, minutes=59), "1 ora", "1 hour"),
        (timedelta(hours=23), "23 ore", "23 hours"),
        (timedelta(days=1, hours=5), "1 giorno", "1 day"),
        (timedelta(days=12), "12 giorni", "12 days"),
    ],
)
def test_time_since_says_the_largest_whole_unit_as_people_speak(elapsed, italian, english):
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with translation.override("it"):
        assert time_since(now - elapsed, now) == italian
    with translation.override("en"):
        assert time_since(now - elapsed, now) == english


def test_a_moment_in_the_future_is_now():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with translation.override("it"):
        assert time_since(now + timedelta(minutes=3), now) == "meno di un minuto"


@pytest.mark.parametrize(
    ("size", "italian", "english"),
    [
        (1, "1 byte", "1 byte"),
        (305, "305 byte", "305 bytes"),
        (2048, "2,0\xa0kB", "2.0\xa0kB"),
        (3_565_158, "3,4\xa0MB", "3.4\xa0MB"),
        (5 * 1024**3, "5,0\xa0GB", "5.0\xa0GB"),
    ],
)
def test_file_sizes_are_written_in_the_active_language(size, italian, english):
    with translation.override("it"):
        assert file_size(size) == italian
    with translation.override("en"):
        assert file_size(size) == english


def test_the_shells_partials_write_what_djangos_templates_write():
    """The partials that stand for whole Django templates (the page shell) escape a value as
    Django does (&#x27;, &quot;) and write a translation as {% translate %} and
    {% blocktranslate %} do: the message as it is, its values escaped."""
    name = 'L\'Officina & "Figli" <S.r.l.>'
    django = engines["django"].from_string(
        '{% load i18n %}<a title="{{ name }}">{% translate "choose another company" %}</a>'
        "{% blocktranslate with name=name %}{{ name }}: choose another company{% endblocktranslate %}"
    )
    jinja = engines["jinja2"].env.django_escaped.from_string(
        '<a title="{{ name }}">{{ _("choose another company") }}</a>'
        '{{ _("%(name)s: choose another company")|fill(name=name) }}'
    )
    with translation.override("it"):
        written = jinja.render(name=name)
        assert written == django.render({"name": name})
    assert "L&#x27;Officina &amp; &quot;Figli&quot; &lt;S.r.l.&gt;: scegli un'altra azienda" in written


class EveryInput(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ticket code")}))
    search = forms.CharField(required=False, help_text="In titles", widget=forms.TextInput(attrs={"type": "search"}))
    number = forms.IntegerField(min_value=1, required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    checked = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=[("a", "<A>")], required=False)
    area = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": 'L\'Officina & "Figli" <S.r.l.>', "number": "x", "day": "2026-11-30", "email": "bad", "password": "p",
         "hidden": "<h>", "checked": "on", "choice": "a", "area": "<t>"},
        {"text": "a" * 30, "day": "31/02", "email": "a@b.it", "checked": ""},
    ],
)  # fmt: skip
def test_the_inputs_widget_writes_are_what_djangos_form_renderer_writes(data):
    form = EveryInput(data, initial={"day": datetime(2026, 11, 30).date(), "hidden": "'"})
    if data is not None:
        form.is_valid()
    with translation.override("it"):
        for bound_field in form:
            assert widget(bound_field) == str(bound_field), bound_field.name


# --- the filter panels' fields, written once per language and set of values --------------


def panel_as_written_each_time(template_name, form, **values):
    from sportello.lib.partials import render_django_escaped

    return render_django_escaped(template_name, {"form": form, **values})


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"sort": "priority", "q": "fattura", "state": "closed", "priority": "3"},
        {"created_from": "2026-13-01"},
    ],
    ids=["unbound", "nothing-chosen", "chosen", "invalid-date"],
)
def test_the_lists_panel_is_what_writing_it_each_time_gives(language, data):
    from sportello.lib.templatetags.fields import filter_fields
    from sportello.tickets.forms import ListFilterForm

    with translation.override(language):
        for _ in range(2):  # written, then kept
            form = ListFilterForm(data)
            form.is_valid()
            kept = filter_fields("tickets/list_filters.html", form)
            assert kept == panel_as_written_each_time("tickets/list_filters.html", form)


def test_a_kept_panel_is_kept_per_language_and_per_values():
    from sportello.lib.templatetags.fields import filter_fields
    from sportello.tickets.forms import ListFilterForm

    def panel(language, data):
        with translation.override(language):
            form = ListFilterForm(data)
            form.is_valid()
            return filter_fields("tickets/list_filters.html", form)

    assert "Ordina" in panel("it", {}) and "Sort" in panel("en", {}) and "Ordina" not in panel("en", {})
    assert 'value="fattura"' in panel("it", {"q": "fattura"}) and 'value="fattura"' not in panel("it", {"q": "iva"})


def test_a_queue_panel_shows_the_operators_it_is_given_not_those_of_a_kept_one(db):
    from sportello.desk.forms import QueueFilterForm
    from sportello.lib.templatetags.fields import filter_fields

    def panel(operators):
        form = QueueFilterForm({"state": "open"})
        form.is_valid()
        return filter_fields("desk/queue_filters.html", form, operator_choices=operators)

    before = panel((("", "Any"), (7, "Anna Rossi")))
    after = panel((("", "Any"), (7, "Anna Rossi"), (8, "Bruno Verdi")))

    assert "Bruno Verdi" not in before and "Bruno Verdi" in after


def test_the_partials_translations_are_kept_per_language():
    # "Operator" is asked for in Italian first: an English page must not get it.
    with translation.override("it"):
        assert translator(safe=False)("Operator") == "Operatore"
    with translation.override("en"):
        assert translator(safe=False)("Operator") == "Operator"
    with translation.override("it"):
        assert translator(safe=False)("Operator") == "Operatore"


def test_the_partials_translations_are_kept_apart_as_text_and_as_safe_text():
    message = "I have read and accept the privacy notice"  # an apostrophe in Italian
    with translation.override("it"):
        safe = translator(safe=True)(message)
        plain = translator(safe=False)(message)
    assert "'" in plain and str(escape(plain)) != plain  # escaped where a partial writes it
    assert isinstance(safe, SafeString) and str(escape(safe)) == safe  # as {% translate %} writes it
    assert not isinstance(plain, SafeString)


@pytest.mark.parametrize(
    "value",
    ['Rossi <"Mario"> & l\'altro', mark_safe("<b>già</b>"), gettext_lazy("Any"), 7, None, Markup("<i>x</i>")],
)
def test_django_escape_is_what_conditional_escape_gives(value):
    with translation.override("it"):
        assert django_escape(value) == conditional_escape(value)
        assert type(django_escape(value)) is type(conditional_escape(value))


@pytest.mark.parametrize(
    "value",
    ['Rossi <"Mario"> & l\'altro', "", Markup("<b>x</b>"), mark_safe("<i>&</i>"), 7, 2.5, None, gettext_lazy("Any")],
)
def test_a_partials_output_is_escaped_as_markupsafe_escapes_it(value):
    with translation.override("it"):
        assert _written(value) == str(escape(value))


def test_the_rows_write_what_markupsafe_escape_writes():
    """The partials write through _written(), not the escape() their compiled code imports:
    the same rows written both ways are the same text."""
    env = engines["jinja2"].env
    rows = [
        SimpleNamespace(
            pk=7, title='Stampa <b>"l\'ordine"</b> & co.', summary="<i>già</i>", status=status, priority=priority,
            area="management", created_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC), closed_at=None,
            last_reply_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC), awaiting_vendor_since=awaiting,
            requester_name="O'Brien <x>", assignee_name=assignee, company_name="L'Officina & Figli <S.r.l.>",
            search_title=None, search_snippet=snippet, search_snippet_is_internal=True,
        )
        for status, priority, awaiting, assignee, snippet in (
            ("closed", 4, None, None, None),
            ("waiting", 1, datetime(2026, 1, 1, tzinfo=UTC), "Sara <Greco>", "<mark>l'ordine</mark> & co"),
        )
    ]  # fmt: skip
    with translation.override("it"):
        for name, context in (
            ("tickets/queue_rows.html", _row_context(rows, "desk:ticket", 8)),
            ("tickets/ticket_rows.html", _row_context(rows, "tickets:detail", 9)),
        ):
            context["_"] = translator(safe=False)
            written = env.get_template(name).render(context)
            plain = env.overlay(cache_size=0)
            plain.template_class = Template
            assert plain.get_template(name).render(context) == written
            assert "&lt;b&gt;&#34;l&#39;ordine&#34;&lt;/b&gt; &amp; co." in written
