from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent, TrustedDevice, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_operator", "is_staff", "is_active", "activated_at"]
    list_filter = ["is_operator", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = [
        "public_id",
        "date_joined",
        "activated_at",
        "last_login",
        "privacy_accepted_at",
        "privacy_version",
    ]
    fieldsets = [
        (None, {"fields": ["public_id", "email", "password"]}),
        (_("Personal data"), {"fields": ["first_name", "last_name", "phone", "language", "avatar"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_operator", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (
            _("History"),
            {"fields": ["date_joined", "activated_at", "last_login", "privacy_accepted_at", "privacy_version"]},
        ),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(TrustedDevice)
class TrustedDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "browser", "operating_system", "created_at", "last_used_at", "last_ip", "expires_at"]
    search_fields = ["user__email"]
    readonly_fields = [
        "public_id",
        "user",
        "token_hash",
        "user_agent",
        "browser",
        "operating_system",
        "created_at",
        "last_used_at",
        "last_ip",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user", "actor", "tenant", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["user__email", "email", "tenant__name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
