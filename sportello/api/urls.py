from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("account/api-tokens/", views.tokens, name="tokens"),
    path("account/api-tokens/<uuid:public_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("tenant/api/", views.company_tokens, name="company_tokens"),
    path("tenant/api/<uuid:public_id>/revoke/", views.company_revoke_token, name="company_revoke_token"),
    path("tenant/webhooks/", views.company_webhooks, name="company_webhooks"),
    path("tenant/webhooks/<uuid:public_id>/", views.company_webhook, name="company_webhook"),
    path("tenant/webhooks/<uuid:public_id>/remove/", views.company_webhook_remove, name="company_webhook_remove"),
    path("tenant/webhooks/<uuid:public_id>/enable/", views.company_webhook_enable, name="company_webhook_enable"),
    path("tenant/webhooks/deliveries/<uuid:public_id>/send/", views.company_send_again, name="company_send_again"),
    path("desk/webhooks/", views.vendor_webhooks, name="vendor_webhooks"),
    path("desk/webhooks/<uuid:public_id>/", views.vendor_webhook, name="vendor_webhook"),
    path("desk/webhooks/<uuid:public_id>/remove/", views.vendor_webhook_remove, name="vendor_webhook_remove"),
    path("desk/webhooks/<uuid:public_id>/enable/", views.vendor_webhook_enable, name="vendor_webhook_enable"),
    path("desk/webhooks/deliveries/<uuid:public_id>/send/", views.vendor_send_again, name="vendor_send_again"),
]


def api_urls():
    """The API's own URLs (django-ninja's), each view marked with its access rule as the
    pages' are (sportello.access): the documentation is public, every operation checks
    its bearer token itself (sportello.api.auth)."""
    from .api import api

    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        public = pattern.name in ("openapi-json", "openapi-view", "api-root")
        pattern.callback.access_rule = "public" if public else "api_token"
    return patterns, app_name, namespace
