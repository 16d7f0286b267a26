from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views
from .api.urls import api_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("account/", include("sportello.accounts.urls")),
    path("", include("sportello.tenants.urls")),
    path("dashboard/", include("sportello.dashboard.urls")),
    path("tickets/", include("sportello.tickets.urls")),
    path("api/v1/", api_urls()),
    path("", include("sportello.api.urls")),
    path("", include("sportello.notifications.urls")),
    path("desk/", include("sportello.desk.urls")),
    path("", include("sportello.pwa.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "sportello.errors.bad_request"
handler403 = "sportello.errors.permission_denied"
handler404 = "sportello.errors.page_not_found"
handler500 = "sportello.errors.server_error"

if settings.DEBUG:
    urlpatterns += [path("dev/", include("sportello.notifications.dev_urls"))]
