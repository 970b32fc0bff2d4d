"""Background jobs in the admin: a read-only list to find one; its page (``/jobs/<id>/``) shows
its progress and outcome, with Retry and Discard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from annotate.models import Job

if TYPE_CHECKING:
    JobAdminBase = admin.ModelAdmin[Job]
else:
    JobAdminBase = admin.ModelAdmin


@admin.register(Job)
class JobAdmin(JobAdminBase):
    list_display = ["id", "kind", "what", "state", "attempt", "created_by", "created_at", "page"]
    list_filter = ["kind", "state"]
    list_select_related = ["created_by", "corpus"]
    search_fields = ["file_name", "corpus__slug", "created_by__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="of")
    def what(self, job: Job) -> str:
        return job.file_name or (job.corpus.slug if job.corpus else "")

    @admin.display(description="page")
    def page(self, job: Job) -> str:
        return format_html('<a href="{}">open</a>', reverse("annotate:job", args=[job.pk]))
