"""`{% fixed_static %}` writes what `{% static %}` writes, worked out once per process."""

from django.template import Context, Template
from django.templatetags.static import static


def render(text: str) -> str:
    return Template("{% load menu %}" + text).render(Context())


def test_a_fixed_static_address_is_the_static_one(settings):
    assert render("{% fixed_static 'css/sportello.css' %}") == static("css/sportello.css")

    settings.STATIC_URL = "/assets/"

    assert render("{% fixed_static 'css/sportello.css' %}") == "/assets/css/sportello.css"
