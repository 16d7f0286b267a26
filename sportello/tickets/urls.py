from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("search/", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("new/suggestions/", views.suggestions, name="suggestions"),
    path("new/solved/<int:number>/", views.solved, name="solved"),
    path("<int:number>/", views.detail, name="detail"),
    path("<int:number>/chat/", views.chat, name="chat"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("attachments/<uuid:public_id>/", views.attachment, name="attachment"),
]
