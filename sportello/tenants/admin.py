from django.contrib import admin

from .models import Invitation, Membership, Tenant


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "created_at"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "vat_number", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "vat_number"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "tenant", "role", "created_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role"]
    search_fields = ["email", "tenant__name"]
    raw_id_fields = ["invited_by"]
    readonly_fields = ["public_id", "created_at", "last_sent_at", "accepted_at", "withdrawn_at"]
