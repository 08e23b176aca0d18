"""Django admin for what staff manage by hand: per-user limits (the API has /api/users/{id}/limits/ too)."""

from django.contrib import admin

from webgns.labs.models import UserLimits


@admin.register(UserLimits)
class UserLimitsAdmin(admin.ModelAdmin):
    list_display = ["user", "running_nodes", "projects"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
