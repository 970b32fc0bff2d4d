"""Claims, relations, reply labels and their history, read-only: they change only through the
annotator's and reviewer's views and services, which record every change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from annotate.admin.assignments import unassigned_message
from annotate.models import (
    AnnotationEvent,
    Assignment,
    Claim,
    LabelKind,
    LabelValue,
    Relation,
    ReplyLabel,
)
from annotate.services.assignments import (
    annotator_pool_check,
    assignment_delete,
    assignment_set_status,
)
from threads.models import Corpus

if TYPE_CHECKING:
    # Generic over the model in django-stubs only: Django's ModelAdmin takes no parameter
    # at run time (see threads/admin.py).
    AssignmentAdminBase = admin.ModelAdmin[Assignment]
    AssignmentFormBase = forms.ModelForm[Assignment]
    ReadOnlyAdminBase = admin.ModelAdmin[Claim | Relation | ReplyLabel | AnnotationEvent]
else:
    AssignmentAdminBase = ReadOnlyAdminBase = admin.ModelAdmin
    AssignmentFormBase = forms.ModelForm


class AssignmentForm(AssignmentFormBase):
    """A new assignment goes only to a user with the annotator role on the thread's corpus."""

    class Meta:
        model = Assignment
        fields = ["annotator", "article", "status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        annotator, article = data.get("annotator"), data.get("article")
        if self.instance.pk is None and annotator is not None and article is not None:
            try:
                annotator_pool_check(corpus=article.corpus, annotators=[annotator])
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data


class StanceFilter(admin.SimpleListFilter):
    """Claims by stance name (every corpus's values of that kind, not every label value)."""

    title = "stance"
    parameter_name = "stance__name"
    kind = LabelKind.STANCE
    field = "stance__name"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        names = (
            LabelValue.objects.filter(kind=self.kind)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        return [(name, name) for name in names]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class ClaimTypeFilter(StanceFilter):
    title = "claim type"
    parameter_name = "claim_type__name"
    kind = LabelKind.CLAIM_TYPE
    field = "claim_type__name"


class ReplyLabelFilter(StanceFilter):
    title = "reply label"
    parameter_name = "label__name"
    kind = LabelKind.REPLY_LABEL
    field = "label__name"


class RelationTypeFilter(StanceFilter):
    title = "relation type"
    parameter_name = "type__name"
    kind = LabelKind.RELATION
    field = "type__name"


@admin.register(Assignment)
class AssignmentAdmin(AssignmentAdminBase):
    list_display = ["article", "corpus", "annotator", "status", "updated_at"]
    list_select_related = ["annotator", "article__corpus"]
    list_filter = ["status", "article__corpus"]
    search_fields = ["annotator__username", "article__title"]
    autocomplete_fields = ["annotator", "article"]
    fields = ["annotator", "article", "status", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["created_at", "updated_at"]
        return ["annotator", "article", "created_at", "updated_at"]

    @admin.display(description="corpus", ordering="article__corpus__slug")
    def corpus(self, obj: Assignment) -> Corpus:
        return obj.article.corpus

    form = AssignmentForm

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        if change:
            status = obj.status
            obj.status = form.initial["status"]
            assignment_set_status(assignment=obj, status=status)
        else:
            super().save_model(request, obj, form, change)

    # Unassigning keeps the annotator's labels (nothing an annotator did is lost): say so.
    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        kept = assignment_delete(assignment=obj)
        messages.warning(request, unassigned_message(obj, kept))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        for assignment in queryset.select_related("annotator", "article"):
            self.delete_model(request, assignment)


class ReadOnlyAdmin(ReadOnlyAdminBase):
    """Shown, never changed here: these rows change through services that record history."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _history_link(object_type: str, pk: int) -> str:
    url = reverse("admin:annotate_annotationevent_changelist")
    query = urlencode([("object_type", object_type), ("object_id", pk)])
    return format_html('<a href="{}?{}">history</a>', url, query)


_CLAIM_FIELDS = (
    "annotator",
    "article",
    "comment",
    "start",
    "end",
    "quote",
    "claim_type",
    "stance",
    "stance_target",
    "target_claim",
    "note",
    "attributes",
    "relations_from",
    "is_gold",
    "created_at",
    "updated_at",
    "history",
)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "short_quote",
        "annotator",
        "article",
        "text",
        "claim_type_name",
        "stance_name",
        "target",
        "is_gold",
        "updated_at",
    ]
    list_select_related = [
        "annotator",
        "article",
        "comment",
        "claim_type",
        "stance",
        "stance_target",
    ]
    list_filter = ["is_gold", StanceFilter, ClaimTypeFilter, "article__corpus"]
    search_fields = ["quote", "annotator__username", "article__title"]
    fields = _CLAIM_FIELDS
    readonly_fields = _CLAIM_FIELDS

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, obj: Claim) -> str:
        return Truncator(obj.quote).chars(60)

    @admin.display(description="text")
    def text(self, obj: Claim) -> str:
        return f"comment {obj.comment.external_id}" if obj.comment else "article body"

    @admin.display(description="claim type", ordering="claim_type__name")
    def claim_type_name(self, obj: Claim) -> str:
        return obj.claim_type.name

    @admin.display(description="stance", ordering="stance__name")
    def stance_name(self, obj: Claim) -> str:
        return obj.stance.name

    @admin.display(description="stance target")
    def target(self, obj: Claim) -> str:
        if obj.stance_target is not None:
            return obj.stance_target.name
        return f"claim {obj.target_claim_id}"

    @admin.display(description="relations")
    def relations_from(self, obj: Claim) -> str:
        relations = obj.relations.select_related("type").order_by("id")
        return ", ".join(f"{r.type.name} #{r.to_claim_id}" for r in relations) or "—"

    @admin.display(description="history")
    def history(self, obj: Claim) -> str:
        return _history_link("claim", obj.pk)


_RELATION_FIELDS = (
    "from_claim",
    "type",
    "to_claim",
    "article",
    "annotator",
    "is_gold",
    "source",
    "created_at",
    "history",
)


@admin.register(Relation)
class RelationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "type_name", "annotator", "article", "is_gold", "created_at"]
    list_select_related = ["type", "annotator", "article"]
    list_filter = ["is_gold", RelationTypeFilter, "article__corpus"]
    search_fields = ["annotator__username", "article__title"]
    raw_id_fields = ["from_claim", "to_claim"]
    fields = _RELATION_FIELDS
    readonly_fields = _RELATION_FIELDS

    @admin.display(description="type", ordering="type__name")
    def type_name(self, obj: Relation) -> str:
        return obj.type.name

    @admin.display(description="history")
    def history(self, obj: Relation) -> str:
        return _history_link("relation", obj.pk)


_REPLY_LABEL_FIELDS = (
    "annotator",
    "article",
    "comment",
    "label",
    "toward",
    "is_gold",
    "created_at",
    "updated_at",
    "history",
)


@admin.register(ReplyLabel)
class ReplyLabelAdmin(ReadOnlyAdmin):
    list_display = [
        "comment_id_ext",
        "label_name",
        "toward",
        "annotator",
        "article",
        "is_gold",
        "updated_at",
    ]
    list_select_related = ["annotator", "article", "comment", "label"]
    list_filter = ["is_gold", "toward", ReplyLabelFilter, "article__corpus"]
    search_fields = ["annotator__username", "article__title", "comment__external_id"]
    fields = _REPLY_LABEL_FIELDS
    readonly_fields = _REPLY_LABEL_FIELDS

    @admin.display(description="comment", ordering="comment__position")
    def comment_id_ext(self, obj: ReplyLabel) -> str:
        return obj.comment.external_id

    @admin.display(description="label", ordering="label__name")
    def label_name(self, obj: ReplyLabel) -> str:
        return obj.label.name

    @admin.display(description="history")
    def history(self, obj: ReplyLabel) -> str:
        return _history_link("reply_label", obj.pk)


_EVENT_FIELDS = (
    "created_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "thread",
    "before_json",
    "after_json",
)


@admin.register(AnnotationEvent)
class AnnotationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "thread"]
    list_select_related = ["actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor__username"]
    date_hierarchy = "created_at"
    fields = _EVENT_FIELDS
    readonly_fields = _EVENT_FIELDS

    @admin.display(description="thread", ordering="article_id")
    def thread(self, obj: AnnotationEvent) -> str:
        # A plain id, not a foreign key: the event outlives its thread.
        url = reverse("admin:threads_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article_id)

    @admin.display(description="before")
    def before_json(self, obj: AnnotationEvent) -> str:
        return _pretty(obj.before)

    @admin.display(description="after")
    def after_json(self, obj: AnnotationEvent) -> str:
        return _pretty(obj.after)


def _pretty(value: Any) -> str:
    if value is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))
