from django.urls import path

from . import views

app_name = "pwa"

urlpatterns = [
    # At the root: a service worker controls only the paths under its own URL.
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("browser-not-supported/", views.unsupported_browser, name="unsupported_browser"),
    # The classic portal's old address (manual §4), kept to say where it went.
    path("assistenza/assistenzaUTF.php", views.classic_portal, name="classic_portal"),
]
