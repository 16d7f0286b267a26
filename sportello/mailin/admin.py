from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import InboundEmail


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "source", "status", "outcome", "ticket_id", "attempts"]
    list_filter = ["status", "source", "outcome"]
    search_fields = ["from_address", "subject", "message_id"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]
    exclude = ["raw"]
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Process the failed e-mails again"))
    def process_again(self, request, queryset):
        failed = list(queryset.filter(status=InboundEmail.Status.FAILED))
        for inbound in failed:
            services.process_again(inbound)
        self.message_user(request, _("%(count)d e-mails queued again.") % {"count": len(failed)}, messages.SUCCESS)
