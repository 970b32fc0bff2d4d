"""Assignments, and the article changelist's bulk "assign to annotators" action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from annotate.models import (
    Assignment,
)
from annotate.services.agreement import agreement_forget
from annotate.services.assignments import assignment_bulk_create
from threads import admin as threads_admin
from threads.models import Article

User = get_user_model()

if TYPE_CHECKING:
    # Generic in django-stubs only: Django's inline takes no parameter at run time
    # (see threads/admin.py).
    AssignmentInlineBase = admin.TabularInline[Assignment, Article]
else:
    AssignmentInlineBase = admin.TabularInline


class AssignForm(forms.Form):
    annotators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=FilteredSelectMultiple("annotators", is_stacked=False),
        help_text="Each selected thread is assigned to each of them; existing assignments stay.",
    )


class AssignmentInline(AssignmentInlineBase):
    model = Assignment
    fields = ["annotator", "status", "updated_at"]
    readonly_fields = ["updated_at"]
    autocomplete_fields = ["annotator"]
    extra = 0
    verbose_name_plural = "assigned annotators"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return super().get_queryset(request).select_related("annotator")


admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(threads_admin.ArticleAdmin):
    actions = ["assign_to_annotators"]
    inlines = [AssignmentInline]

    # An edited text, or comments merged or split, change the thread's continuum: its kept
    # agreement figures no longer hold.
    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        agreement_forget(article_id=obj.pk)

    def comment_merge_view(
        self, request: HttpRequest, object_id: str, comment_id: int
    ) -> HttpResponse:
        response = super().comment_merge_view(request, object_id, comment_id)
        if object_id.isdigit():
            agreement_forget(article_id=int(object_id))
        return response

    def comment_split_view(
        self, request: HttpRequest, object_id: str, comment_id: int
    ) -> HttpResponse:
        response = super().comment_split_view(request, object_id, comment_id)
        if object_id.isdigit():
            agreement_forget(article_id=int(object_id))
        return response

    @admin.action(description="Assign selected threads to annotators…", permissions=["assign"])
    def assign_to_annotators(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> HttpResponse | None:
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                annotators = list(form.cleaned_data["annotators"])
                articles = list(queryset.select_related(None).only("pk"))
                created = assignment_bulk_create(articles=articles, annotators=annotators)
                pairs = len(articles) * len(annotators)
                messages.success(
                    request,
                    f"Created {created} assignments for {len(articles)} threads and "
                    f"{len(annotators)} annotators ({pairs - created} already existed).",
                )
                return None
        else:
            form = AssignForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign threads to annotators",
            "opts": self.opts,
            "form": form,
            "articles": queryset.select_related("corpus").order_by("corpus__slug", "id"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/annotate/assign_annotators.html", context)

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("annotate.add_assignment"))
