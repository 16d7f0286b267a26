from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("layout/", views.save_layout, name="save_layout"),
    path("widgets/<slug:kind>/", views.widget, name="widget"),
]
