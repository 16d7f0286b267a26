"""lib.forms.shared_fields: the filter forms hand their class's fields to every form, and
nothing that shows or cleans those forms (the pages, the API, valid or not) changes them."""

import pytest
from django import forms

from sportello.desk.forms import QueueFilterForm
from sportello.lib.forms import shared_fields
from sportello.testing.api import ApiClient, make_token
from sportello.testing.fixtures import make_ticket
from sportello.tickets.forms import ListFilterForm

pytestmark = pytest.mark.django_db

SHARED = (QueueFilterForm, ListFilterForm)


def state(form_class) -> dict:
    """Everything a form could change in its class's fields: each field's attributes, its
    widget's (with the attributes' dict) and its choices."""
    found = {}
    for name, field in form_class.base_fields.items():
        widget = field.widget
        found[name] = (
            {key: value for key, value in vars(field).items() if key != "widget"},
            {key: value for key, value in vars(widget).items() if key != "attrs"},
            dict(widget.attrs),
            list(getattr(field, "_choices", [])),
            id(field),
            id(widget),
        )
    return found


def test_the_forms_share_their_class_fields():
    for form_class in SHARED:
        form = form_class({})
        assert all(form.fields[name] is field for name, field in form_class.base_fields.items())
        assert form.fields is not form_class.base_fields  # a form may still add or drop a field of its own


def test_a_subclass_copies_its_fields_again():
    class Narrower(ListFilterForm):
        pass

    form = Narrower()
    assert form.fields["sort"] is not ListFilterForm.base_fields["sort"]


def test_showing_and_cleaning_the_forms_leaves_their_fields_as_they_were(client, login, oscar, bob, acme):
    make_ticket(acme, bob, title="Stampante")
    before = {form_class: state(form_class) for form_class in SHARED}
    login(client, oscar)
    for params in ({}, {"state": "waiting", "assignee": str(oscar.pk), "mine": "on"}, {"priority": "9"}, {"q": "x"}):
        assert client.get("/desk/", params).status_code == 200
    client.logout()
    login(client, bob, acme)
    for params in ({}, {"sort": "priority", "created_from": "2026-01-01"}, {"created_from": "x", "number": "0"}):
        assert client.get("/tickets/", params).status_code == 200
    assert client.post("/tickets/search/", {"sort": "bad"}).status_code == 400
    bob_api, oscar_api = ApiClient(make_token(bob, acme)), ApiClient(make_token(oscar))
    assert bob_api.get("/api/v1/tickets", {"state": "open"}).status_code == 200
    assert bob_api.get("/api/v1/tickets", {"created_from": "2026-02-01", "created_to": "2026-01-01"}).status_code == 422
    assert oscar_api.get("/api/v1/desk/tickets", {"state": "waiting"}).status_code == 200

    assert {form_class: state(form_class) for form_class in SHARED} == before
    # The operators' queryset is only ever cloned: never filled with a request's rows.
    assert QueueFilterForm.base_fields["assignee"].queryset._result_cache is None


def test_without_the_decorator_each_form_has_its_own_fields():
    class Plain(forms.Form):
        name = forms.CharField()

    assert Plain().fields["name"] is not Plain.base_fields["name"]
    assert shared_fields(Plain)().fields["name"] is Plain.base_fields["name"]
