"""Roles on the user admin page: each user's grants (annotator, reviewer, researcher per corpus)
beside Django's own staff and superuser flags (admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotate.models import CorpusGrant

User = get_user_model()

if TYPE_CHECKING:
    # Generic in django-stubs only (see threads/admin.py).
    UserGrantInlineBase = admin.TabularInline[CorpusGrant, Any]
    UserAdminBase = DjangoUserAdmin[Any]
else:
    UserGrantInlineBase = admin.TabularInline
    UserAdminBase = DjangoUserAdmin


class UserGrantInline(UserGrantInlineBase):
    model = CorpusGrant
    fk_name = "user"
    fields = ["corpus", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["corpus"]
    extra = 0
    verbose_name = "role"
    verbose_name_plural = (
        "roles per corpus: annotator, reviewer, researcher (admins are staff, above)"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorpusGrant]:
        return super().get_queryset(request).select_related("corpus")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(UserAdminBase):
    inlines = [UserGrantInline]
    list_filter = [*DjangoUserAdmin.list_filter, "corpus_grants__role"]
