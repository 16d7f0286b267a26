from django.urls import path

from . import views

app_name = "tenants"

urlpatterns = [
    path("companies/", views.choose, name="choose"),
    path("companies/start/", views.landing, name="landing"),
    path("companies/<uuid:public_id>/select/", views.select, name="select"),
    path("companies/invitations/<uuid:public_id>/accept/", views.accept, name="accept"),
    path("tenant/", views.members, name="members"),
    path("tenant/invitations/", views.invitations, name="invitations"),
    path("tenant/invitations/new/", views.invite, name="invite"),
    path("tenant/invitations/<uuid:public_id>/resend/", views.resend_invitation, name="resend_invitation"),
    path("tenant/invitations/<uuid:public_id>/withdraw/", views.withdraw_invitation, name="withdraw_invitation"),
    path("tenant/invitations/<uuid:public_id>/role/", views.change_invitation_role, name="change_invitation_role"),
    path("tenant/users/<uuid:public_id>/role/", views.change_role, name="change_role"),
    path("tenant/users/<uuid:public_id>/remove/", views.remove_member, name="remove_member"),
    path("tenant/log/", views.security_log, name="security_log"),
]
