from django.urls import path

from sportello.access import public

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.code, name="code"),
    path("login/code/new/", views.resend_code, name="resend_code"),
    path("activate/", views.activate, name="activate"),
    path("logout/", views.logout, name="logout"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("language/", views.set_language, name="set_language"),
    path("password/recover/", views.recover_password, name="recover_password"),
    path("password/recover/sent/", views.recover_password_sent, name="recover_password_sent"),
    path("password/reset/<uidb64>/<token>/", public(views.ResetPasswordView.as_view()), name="reset_password"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.change_password, name="change_password"),
    path("profile/picture/", views.change_avatar, name="change_avatar"),
    path("profile/picture/remove/", views.remove_avatar, name="remove_avatar"),
    path("profile/devices/<uuid:public_id>/remove/", views.remove_device, name="remove_device"),
    path("profile/devices/remove/", views.remove_all_devices, name="remove_all_devices"),
    path("avatars/<uuid:public_id>/", views.avatar, name="avatar"),
    path("addresses/confirm/<str:token>/", views.confirm_address, name="confirm_address"),
]
