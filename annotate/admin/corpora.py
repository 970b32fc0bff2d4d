"""Corpus admin: the label schema (its values and the directions reply labels take) and grants
inline, and the "Import file" view.

``threads`` never imports ``annotate``, so the corpus admin of ``threads/admin.py`` is
extended here (the same import service as the command)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from annotate.admin.assignments import AssignForm, assign_overlap
from annotate.exchange import ORPHAN_POLICIES
from annotate.exchange.uploads import upload_refusal
from annotate.jobs.runners import for_the_form
from annotate.models import (
    Assignment,
    Claim,
    CorpusGrant,
    LabelValue,
    Relation,
    ReplyLabel,
    ReplyLabelScope,
    Toward,
)
from annotate.services.agreement import agreement_forget_corpus
from annotate.services.corpora import (
    label_value_delete,
    label_values_in_use,
    reply_directions_check,
    reply_directions_set,
    schema_ensure_defaults,
)
from annotate.services.jobs import import_job_create
from threads import admin as threads_admin
from threads.formats import FILES, FORMATS, LABELLED_FORMATS
from threads.formats.records import FormatError, ReadOptions
from threads.models import Article, Corpus

if TYPE_CHECKING:
    # Generic over their models in django-stubs only: Django's classes take no parameter
    # at run time (see threads/admin.py).
    LabelValueFormBase = forms.ModelForm[LabelValue]
    LabelValueFormSetBase = forms.BaseInlineFormSet[LabelValue, Corpus, forms.ModelForm[LabelValue]]
    LabelValueInlineBase = admin.TabularInline[LabelValue, Corpus]
    CorpusGrantInlineBase = admin.TabularInline[CorpusGrant, Corpus]
    ReplyScopeFormSetBase = forms.BaseInlineFormSet[
        ReplyLabelScope, Corpus, forms.ModelForm[ReplyLabelScope]
    ]
    ReplyScopeInlineBase = admin.StackedInline[ReplyLabelScope, Corpus]
else:
    LabelValueFormBase = forms.ModelForm
    LabelValueFormSetBase = ReplyScopeFormSetBase = forms.BaseInlineFormSet
    LabelValueInlineBase = CorpusGrantInlineBase = admin.TabularInline
    ReplyScopeInlineBase = admin.StackedInline


def _deleting(form: forms.BaseForm) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(forms.formsets.DELETION_FIELD_NAME))


class LabelValueFormSet(LabelValueFormSetBase):
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


class LabelValueForm(LabelValueFormBase):
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


class LabelValueInline(LabelValueInlineBase):
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
        relations = Relation.objects.filter(type=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                used_by_claims=Exists(claims),
                used_by_replies=Exists(replies),
                used_by_relations=Exists(relations),
            )
            .order_by("order", "id")
        )

    @admin.display(description="in use")
    def in_use(self, obj: LabelValue) -> str:
        if obj.pk is None:
            return ""
        used = any(
            getattr(obj, f"used_by_{what}", False) for what in ("claims", "replies", "relations")
        )
        return "in use: retire it" if used else "—"


def _directions(form: forms.BaseForm) -> list[str]:
    data = form.cleaned_data
    on = ((Toward.PARENT, data.get("toward_parent")), (Toward.ROOT, data.get("toward_root")))
    return [toward.value for toward, labelled in on if labelled]


class ReplyScopeFormSet(ReplyScopeFormSetBase):
    """The directions reply labels take, changed through ``reply_directions_set`` (which
    refuses to turn off a direction labels are given in, and forgets the agreement figures)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if form.has_changed() and form.is_valid():
                reply_directions_check(corpus=self.instance, directions=_directions(form))

    def save(self, commit: bool = True) -> list[ReplyLabelScope]:
        # What the admin's change message reads after a formset's save.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if form.has_changed():
                reply_directions_set(corpus=self.instance, directions=_directions(form))
                self.changed_objects.append((self.instance.reply_scope, form.changed_data))
        return []


class ReplyScopeInline(ReplyScopeInlineBase):
    model = ReplyLabelScope
    formset = ReplyScopeFormSet
    fields = ["toward_parent", "toward_root"]
    can_delete = False
    min_num = max_num = 1
    verbose_name = "reply-label directions"
    verbose_name_plural = (
        "reply-label directions: what each comment's reply label is about (a direction labels "
        "are given in cannot be turned off)"
    )


class CorpusGrantInline(CorpusGrantInlineBase):
    model = CorpusGrant
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "role"
    verbose_name_plural = (
        "roles: annotators (may be assigned threads), reviewers (see every label, settle "
        "gold), researchers (read the API and exports)"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorpusGrant]:
        return super().get_queryset(request).select_related("user")


def _accepted_files() -> str:
    return "; ".join(f"{fmt}: {FILES[fmt]}" for fmt in FORMATS)


class ImportUploadForm(forms.Form):
    """The import command's arguments as a form; the second group maps to ReadOptions."""

    corpus = forms.CharField(
        max_length=100,
        validators=[validate_slug],
        help_text="The corpus slug; a corpus that does not exist yet is created.",
    )
    file = forms.FileField(
        help_text=f"One file of a format below ({_accepted_files()}), or a zip of a ConvoKit "
        "corpus folder, of PHEME thread folders or of brat pairs (each brat folder's name says "
        "whose labels they are)."
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
    # The labelled formats' options (ReadOptions); the other formats ignore them.
    labels = forms.FileField(
        required=False,
        label="Labels file",
        help_text="pheme: the RumourEval task A labels file (a JSON object tweet id → label).",
    )
    annotator = forms.CharField(
        max_length=150,
        required=False,
        label="Annotator",
        help_text="Whose the file's labels become (an account is created if missing). "
        "Empty: the names the file gives (labelstudio: completed_by).",
    )
    as_gold = forms.BooleanField(
        required=False,
        label="As gold",
        help_text="The file's labels become gold, settled by the annotator.",
    )
    stance_attribute = forms.CharField(
        max_length=100,
        required=False,
        initial=ReadOptions.stance_attribute,
        label="Stance attribute",
        help_text="brat: the attribute whose value is a claim's stance.",
    )
    strict_schema = forms.BooleanField(
        required=False,
        label="Strict schema",
        help_text="Refuse label values the corpus's schema lacks, instead of adding them to it.",
    )

    LABELLED = ("labels", "annotator", "as_gold", "stance_attribute", "strict_schema")

    def __init__(self, *args: Any, refused: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Why the upload was stopped while it streamed in (too large): said on the file field
        # instead of "This field is required".
        self.refused = refused
        self.fields["file"].help_text += f" At most {settings.MAX_UPLOAD_MB} MB."
        if refused:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        if self.refused:
            raise ValidationError(self.refused)
        return self.cleaned_data["file"]

    def clean_orphans(self) -> str:
        value: str = self.cleaned_data["orphans"]
        if value not in ORPHAN_POLICIES:
            raise ValidationError("Unknown policy.")
        return value

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in two groups for the template: the import's, the labelled formats'."""
        labelled = ", ".join(sorted(LABELLED_FORMATS))
        return [
            ("", [self[name] for name in self.fields if name not in self.LABELLED]),
            (f"Labels (labelled formats: {labelled})", [self[name] for name in self.LABELLED]),
        ]

    def read_options(self) -> ReadOptions:
        """The labelled formats' options of a valid form (the labels file is saved later)."""
        data = self.cleaned_data
        return ReadOptions(
            annotator=data["annotator"].strip() or None,
            as_gold=data["as_gold"],
            stance_attribute=data["stance_attribute"].strip() or ReadOptions.stance_attribute,
            strict_schema=data["strict_schema"],
        )


admin.site.unregister(Corpus)


@admin.register(Corpus)
class CorpusAdmin(threads_admin.CorpusAdmin):
    change_list_template = "admin/annotate/corpus/change_list.html"
    change_form_template = "admin/annotate/corpus/change_form.html"

    def get_inlines(
        self, request: HttpRequest, obj: Any = None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Corpus]]]:
        # A new corpus gets the default schema when it is saved; edit it afterwards.
        if obj is None:
            return [CorpusGrantInline]
        return [LabelValueInline, ReplyScopeInline, CorpusGrantInline]

    def save_model(self, request: HttpRequest, obj: Corpus, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            added = schema_ensure_defaults(corpus=obj)
            messages.info(request, f"Added the default label schema ({added} values).")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:  # a renamed label value renames it in every thread's figures
            agreement_forget_corpus(corpus=form.instance)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="threads_corpus_import",
            ),
            path(
                "<int:corpus_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="threads_corpus_assign",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload one file and import it as a job, with the same service (and errors) as the
        command; the admin is sent to the job's page."""
        if not (
            self.has_change_permission(request)
            and request.user.has_perm("threads.add_article")
            and request.user.has_perm("threads.add_comment")
        ):
            raise PermissionDenied
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES, refused=upload_refusal(request))
            if form.is_valid():
                labels = form.cleaned_data["labels"]
                try:
                    job = import_job_create(
                        user=request.user if isinstance(request.user, User) else None,
                        upload=form.cleaned_data["file"],
                        corpus_slug=form.cleaned_data["corpus"],
                        fmt=form.cleaned_data["format"] or None,
                        orphans=form.cleaned_data["orphans"],
                        options=form.read_options(),
                        labels=labels or None,
                    )
                except FormatError as error:
                    messages.error(request, f"Nothing was imported. {for_the_form(error)}")
                else:
                    # The import runs as a job: its page follows it to the summary or error.
                    return HttpResponseRedirect(reverse("annotate:job", args=[job.pk]))
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

    def assign_view(self, request: HttpRequest, corpus_id: int) -> HttpResponse:
        """Give every thread of the corpus that has no annotator yet k annotators (the same
        service as ``assign_threads`` and the articles' action)."""
        if not request.user.has_perm("annotate.add_assignment"):
            raise PermissionDenied
        corpus = get_object_or_404(Corpus, pk=corpus_id)
        if request.method == "POST":
            form = AssignForm(request.POST, corpus=corpus)
            if form.is_valid() and assign_overlap(request, form, corpus, None):
                return HttpResponseRedirect(
                    reverse("admin:threads_corpus_change", args=[corpus.pk])
                )
        else:
            form = AssignForm(corpus=corpus)
        unassigned = (
            Article.objects.filter(corpus=corpus)
            .exclude(Exists(Assignment.objects.filter(article=OuterRef("pk"))))
            .count()
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Assign the unassigned threads of {corpus}",
            "opts": self.opts,
            "form": form,
            "corpus": corpus,
            "unassigned": unassigned,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/annotate/assign_annotators.html", context)
