from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("desk/emails/", views.failed, name="failed"),
    path("desk/emails/<uuid:public_id>/send-again/", views.send_again, name="send_again"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
