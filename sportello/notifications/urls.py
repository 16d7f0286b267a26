from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.failed, name="failed"),
    path("<uuid:public_id>/send-again/", views.send_again, name="send_again"),
]
