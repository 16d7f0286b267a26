from django.contrib import admin

from .models import Attachment, Deflection, Message, Ticket


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "kind", "is_internal", "author", "body", "event", "old_value", "new_value"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "tenant", "status", "priority", "area", "assignee", "created_at"]
    list_filter = ["status", "priority", "area", "request_type"]
    search_fields = ["=id", "title", "tenant__name"]
    raw_id_fields = ["tenant", "requester", "contact_person", "assignee", "related_ticket"]
    readonly_fields = ["created_at", "last_reply_at", "closed_at", "awaiting_vendor_since"]
    date_hierarchy = "created_at"
    inlines = [MessageInline]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "size", "tenant", "created_at"]
    raw_id_fields = ["tenant", "message"]
    readonly_fields = ["public_id", "created_at"]
    show_full_result_count = False


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    """Requests solved by "Già risolto?" (the vendor's figure; also a desk widget)."""

    list_display = ["created_at", "tenant", "user", "ticket"]
    raw_id_fields = ["tenant", "user", "ticket"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
