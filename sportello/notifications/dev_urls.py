from django.urls import path

from . import dev_views

urlpatterns = [
    path("emails/", dev_views.outbox, name="dev_outbox"),
    path("emails/<uuid:public_id>/", dev_views.outbox_email, name="dev_outbox_email"),
    path("emails/<uuid:public_id>/html/", dev_views.outbox_email_html, name="dev_outbox_email_html"),
]
