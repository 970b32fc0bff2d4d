"""Admin for the annotation side, and the annotation parts of the thread admin.

``threads`` never imports ``annotate``, so the corpus and article admins of
``threads/admin.py`` are extended here: the corpus gets its label schema and
grants as inlines and an "Import file" view (the same import service as the
command), the article changelist gets the bulk "assign to annotators" action.
Claims, reply labels and their history are read-only: they change only through
the annotator's views and services, which record every change.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from annotate.exchange import ORPHAN_POLICIES, threads_import_upload
from annotate.models import (
    AnnotationEvent,
    Assignment,
    Claim,
    CorpusGrant,
    LabelValue,
    ReplyLabel,
)
from annotate.services import (
    assignment_bulk_create,
    assignment_set_status,
    label_value_delete,
    label_values_in_use,
    schema_ensure_defaults,
)
from threads import admin as threads_admin
from threads.formats import FORMATS
from threads.formats.records import FormatError
from threads.models import Article, Corpus

User = get_user_model()


# --- Corpus: label schema, grants, import upload -------------------------------------------


def _deleting(form: forms.BaseForm) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(forms.formsets.DELETION_FIELD_NAME))


class LabelValueFormSet(forms.BaseInlineFormSet):
    """Refuses to delete (or change the kind of) a value that labels carry: retire it instead."""

    def clean(self) -> None:
        # Before the base clean: its uniqueness check asks each form is_valid(), where the
        # admin's own protected-objects check raises a less helpful message first.
        self._refuse_changes_in_use()
        super().clean()

    def _refuse_changes_in_use(self) -> None:
        touched = {
            form.instance.pk: form
            for form in self.forms
            if form.instance.pk and (_deleting(form) or "kind" in form.changed_data)
        }
        if not touched:
            return
        errors = []
        for pk in sorted(label_values_in_use(ids=touched)):
            form = touched[pk]
            value = form.instance
            if _deleting(form):
                errors.append(
                    f"“{value.name}” ({value.get_kind_display()}) is used by existing labels: "
                    "it cannot be deleted. Tick “retired” instead, so it is no longer offered."
                )
            else:
                errors.append(
                    f"“{value.name}” is used by existing labels: its kind cannot be changed."
                )
        if errors:
            raise ValidationError(errors)

    def delete_existing(self, obj: LabelValue, commit: bool = True) -> None:
        if commit:
            label_value_delete(value=obj)


class LabelValueForm(forms.ModelForm):
    class Meta:
        model = LabelValue
        fields = ["kind", "name", "description", "key", "colour", "order", "retired"]
        widgets = {
            "name": forms.TextInput(attrs={"size": 14}),
            "description": forms.TextInput(attrs={"size": 36}),
            "key": forms.TextInput(attrs={"size": 2}),
            "colour": forms.TextInput(attrs={"type": "color"}),
            "order": forms.NumberInput(attrs={"style": "width: 4em"}),
        }


class LabelValueInline(admin.TabularInline):
    model = LabelValue
    form = LabelValueForm
    formset = LabelValueFormSet
    fields = ["kind", "name", "description", "key", "colour", "order", "retired", "in_use"]
    readonly_fields = ["in_use"]
    extra = 0
    verbose_name = "label value"
    verbose_name_plural = "label schema (a value in use cannot be deleted, only retired)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LabelValue]:
        # Whether each value is in use, inside the inline's one query.
        claims = Claim.objects.filter(
            Q(claim_type=OuterRef("pk"))
            | Q(stance=OuterRef("pk"))
            | Q(stance_target=OuterRef("pk"))
        )
        replies = ReplyLabel.objects.filter(label=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(used_by_claims=Exists(claims), used_by_replies=Exists(replies))
            .order_by("order", "id")
        )

    @admin.display(description="in use")
    def in_use(self, obj: LabelValue) -> str:
        if obj.pk is None:
            return ""
        used = getattr(obj, "used_by_claims", False) or getattr(obj, "used_by_replies", False)
        return "in use: retire it" if used else "—"


class CorpusGrantInline(admin.TabularInline):
    model = CorpusGrant
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "grant"
    verbose_name_plural = "reviewers and researchers"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorpusGrant]:
        return super().get_queryset(request).select_related("user")


class ImportUploadForm(forms.Form):
    corpus = forms.CharField(
        max_length=100,
        validators=[validate_slug],
        help_text="The corpus slug; a corpus that does not exist yet is created.",
    )
    file = forms.FileField(
        help_text="A .txt (text), .jsonl, ConvoKit utterances.jsonl or a zip of a ConvoKit "
        "corpus folder, or a Reddit .json."
    )
    format = forms.ChoiceField(
        choices=[("", "auto (from the file name)"), *((f, f) for f in FORMATS)],
        required=False,
    )
    orphans = forms.ChoiceField(
        choices=[
            ("error", "error: refuse a comment whose parent is missing"),
            ("attach", "attach: make it a top-level comment, marked orphan"),
            ("skip", "skip: leave it (and its replies) out"),
        ],
        initial="error",
        help_text="What to do with a comment whose parent is not in the file.",
    )

    def clean_orphans(self) -> str:
        value: str = self.cleaned_data["orphans"]
        if value not in ORPHAN_POLICIES:
            raise ValidationError("Unknown policy.")
        return value


admin.site.unregister(Corpus)


@admin.register(Corpus)
class CorpusAdmin(threads_admin.CorpusAdmin):
    change_list_template = "admin/annotate/corpus/change_list.html"
    change_form_template = "admin/annotate/corpus/change_form.html"

    def get_inlines(
        self, request: HttpRequest, obj: Any = None
    ) -> list[type[admin.options.InlineModelAdmin]]:
        # A new corpus gets the default schema when it is saved; edit it afterwards.
        return [LabelValueInline, CorpusGrantInline] if obj is not None else [CorpusGrantInline]

    def save_model(self, request: HttpRequest, obj: Corpus, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            added = schema_ensure_defaults(corpus=obj)
            messages.info(request, f"Added the default label schema ({added} values).")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="threads_corpus_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload one file and import it with the same service (and errors) as the command."""
        if not (
            self.has_change_permission(request)
            and request.user.has_perm("threads.add_article")
            and request.user.has_perm("threads.add_comment")
        ):
            raise PermissionDenied
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                slug = form.cleaned_data["corpus"]
                try:
                    summary = threads_import_upload(
                        corpus_slug=slug,
                        name=upload.name or "upload",
                        data=upload.read(),
                        fmt=form.cleaned_data["format"] or None,
                        orphans=form.cleaned_data["orphans"],
                    )
                except FormatError as error:
                    messages.error(request, f"Nothing was imported. {error}")
                else:
                    messages.success(request, f"{upload.name} into {slug}: {summary}")
                    corpus = Corpus.objects.get(slug=slug)
                    url = reverse("admin:threads_article_changelist")
                    return HttpResponseRedirect(f"{url}?corpus__id__exact={corpus.pk}")
        else:
            form = ImportUploadForm(initial={"corpus": request.GET.get("corpus", "")})
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a file of threads",
            "opts": self.opts,
            "form": form,
            "corpora": Corpus.objects.order_by("slug").values_list("slug", flat=True),
        }
        return TemplateResponse(request, "admin/annotate/import_upload.html", context)


# --- Article: bulk assignment ------------------------------------------------------------------


class AssignForm(forms.Form):
    annotators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=FilteredSelectMultiple("annotators", is_stacked=False),
        help_text="Each selected thread is assigned to each of them; existing assignments stay.",
    )


class AssignmentInline(admin.TabularInline):
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


# --- Assignments, labels and their history -----------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
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

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        if change:
            status = obj.status
            obj.status = form.initial["status"]
            assignment_set_status(assignment=obj, status=status)
        else:
            super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
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
    list_filter = ["is_gold", "stance__name", "claim_type__name", "article__corpus"]
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

    @admin.display(description="history")
    def history(self, obj: Claim) -> str:
        return _history_link("claim", obj.pk)


_REPLY_LABEL_FIELDS = (
    "annotator",
    "article",
    "comment",
    "label",
    "is_gold",
    "created_at",
    "updated_at",
    "history",
)


@admin.register(ReplyLabel)
class ReplyLabelAdmin(ReadOnlyAdmin):
    list_display = ["comment_id_ext", "label_name", "annotator", "article", "is_gold", "updated_at"]
    list_select_related = ["annotator", "article", "comment", "label"]
    list_filter = ["is_gold", "label__name", "article__corpus"]
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
