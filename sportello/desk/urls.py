from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:number>/", views.ticket, name="ticket"),
    path("tickets/<int:number>/chat/", views.ticket_chat, name="ticket_chat"),
    path("tickets/<int:number>/similar/", views.similar, name="similar"),
    path("tickets/<int:number>/take/", views.take, name="take"),
    path("tickets/<int:number>/assign/", views.assign, name="assign"),
    path("tickets/<int:number>/status/", views.set_status, name="set_status"),
    path("tickets/<int:number>/reply/", views.reply, name="reply"),
    path("attachments/<uuid:public_id>/", views.attachment, name="attachment"),
    path("companies/", views.companies, name="companies"),
    path("companies/new/", views.company_new, name="company_new"),
    path("companies/<uuid:public_id>/", views.company, name="company"),
    path("companies/<uuid:public_id>/active/", views.company_set_active, name="company_set_active"),
    path("operators/", views.operators, name="operators"),
    path("operators/<uuid:public_id>/areas/", views.operator_areas, name="operator_areas"),
    path("security/", views.security_log, name="security_log"),
]
