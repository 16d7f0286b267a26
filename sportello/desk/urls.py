from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("companies/", views.companies, name="companies"),
    path("companies/new/", views.company_new, name="company_new"),
    path("companies/<uuid:public_id>/", views.company, name="company"),
    path("companies/<uuid:public_id>/active/", views.company_set_active, name="company_set_active"),
    path("operators/", views.operators, name="operators"),
    path("security/", views.security_log, name="security_log"),
]
