from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("account/", include("sportello.accounts.urls")),
    path("", include("sportello.tenants.urls")),
    path("dashboard/", include("sportello.dashboard.urls")),
    path("tickets/", include("sportello.tickets.urls")),
    path("", include("sportello.notifications.urls")),
    path("desk/", include("sportello.desk.urls")),
    path("", include("sportello.pwa.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("dev/", include("sportello.notifications.dev_urls"))]
