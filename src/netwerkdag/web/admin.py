"""The Django admin serves the raw tables (at /beheer/); the main flows have their own pages."""

from __future__ import annotations

from django.contrib import admin

from netwerkdag.web import models


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "starts_at", "ends_at", "registration_deadline")
    search_fields = ("slug", "title")


@admin.register(models.Seats)
class SeatsAdmin(admin.ModelAdmin):
    list_display = ("event", "session_id", "slot", "capacity", "taken", "active")
    list_filter = ("event", "active")
    readonly_fields = ("taken",)


@admin.register(models.Invitee)
class InviteeAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "organisation", "role", "attending", "checked_in_at")
    list_filter = ("event", "attending")
    search_fields = ("name", "organisation", "email")


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "event", "action")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(models.ProgrammeVersion)
admin.site.register(models.Organiser)
admin.site.register(models.Registration)
admin.site.register(models.WaitingEntry)
