from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Digest, OutboundEmail, RecipientPreference


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "queue", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "queue", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the failed e-mails again"))
    def send_again(self, request, queryset):
        failed = list(queryset.failed())
        for email in failed:
            services.send_again(email)
        self.message_user(request, _("%(count)d e-mails queued again.") % {"count": len(failed)}, messages.SUCCESS)


@admin.register(RecipientPreference)
class RecipientPreferenceAdmin(admin.ModelAdmin):
    """Who chose not to receive what: the answer to "why do I get no e-mail?"."""

    list_display = ["email", "muted", "updated_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "muted", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["ticket_id", "opened_at", "closes_at", "sent_at", "emails"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Digest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
