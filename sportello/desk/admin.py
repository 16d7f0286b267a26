from django.contrib import admin

from .models import OperatorArea


@admin.register(OperatorArea)
class OperatorAreaAdmin(admin.ModelAdmin):
    list_display = ["user", "area"]
    list_filter = ["area"]
    raw_id_fields = ["user"]
