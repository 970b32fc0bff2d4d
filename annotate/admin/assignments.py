"""Assignments, the article changelist's "assign to k annotators" action (k-overlap, the same
service as ``assign_threads``) and unassigning, which keeps the labels and says so."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from annotate.models import Assignment, CorpusGrant, GrantRole
from annotate.services.agreement import agreement_forget
from annotate.services.assignments import assignment_delete, assignment_overlap_create
from threads import admin as threads_admin
from threads.models import Article, Corpus

User = get_user_model()

if TYPE_CHECKING:
    # Generic in django-stubs only: Django's inline takes no parameter at run time
    # (see threads/admin.py).
    AssignmentInlineBase = admin.TabularInline[Assignment, Article]
    AssignmentFormSetBase = forms.BaseInlineFormSet[
        Assignment, Article, forms.ModelForm[Assignment]
    ]
else:
    AssignmentInlineBase = admin.TabularInline
    AssignmentFormSetBase = forms.BaseInlineFormSet


def unassigned_message(assignment: Assignment, kept: int) -> str:
    """What an admin is told after unassigning: whose labels stayed."""
    who, thread = assignment.annotator, assignment.article
    if not kept:
        return f"Unassigned {who} from “{thread}”; they had no labels on it."
    return (
        f"Unassigned {who} from “{thread}”; their {kept} label{'' if kept == 1 else 's'} on it "
        "are kept (in the history, exports and agreement, not on their dashboard)."
    )


class AssignForm(forms.Form):
    """k-overlap assignment: each thread gets k of the chosen annotators, balanced by load.

    Only users with the annotator role on the corpus are offered (``corpus``)."""

    annotators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=FilteredSelectMultiple("annotators", is_stacked=False),
        help_text="Only users with the annotator role on this corpus are offered.",
    )
    k = forms.IntegerField(
        min_value=1,
        required=False,
        label="Annotators per thread (k)",
        help_text="Empty: every chosen annotator. Existing assignees count toward k.",
    )
    seed = forms.CharField(
        required=False,
        max_length=18,
        help_text="A whole number: the same seed gives the same plan. Empty: one is drawn "
        "and shown afterwards.",
    )

    def __init__(self, *args: Any, corpus: Corpus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        granted = CorpusGrant.objects.filter(corpus=corpus, role=GrantRole.ANNOTATOR)
        self.fields["annotators"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, pk__in=granted.values("user_id")
        ).order_by("username")

    def clean_seed(self) -> int | None:
        value = self.cleaned_data["seed"].strip()
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValidationError(f"The seed must be a whole number, not “{value}”.") from None


def assign_overlap(
    request: HttpRequest, form: AssignForm, corpus: Corpus, articles: list[Article] | None
) -> bool:
    """Run the service with the form's choices; a refusal becomes a form error (nothing
    changed). Returns whether it assigned."""
    annotators = list(form.cleaned_data["annotators"])
    k = form.cleaned_data["k"] or len(annotators)
    try:
        result = assignment_overlap_create(
            corpus=corpus,
            k=k,
            annotators=annotators,
            seed=form.cleaned_data["seed"],
            articles=articles,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, str(result))
    return True


class AssignmentFormSet(AssignmentFormSetBase):
    """Deleting a row unassigns through :func:`assignment_delete`: the labels stay, and the
    admin says so (``unassigned``, read by ``ArticleAdmin.save_formset``)."""

    unassigned: list[str]

    def delete_existing(self, obj: Assignment, commit: bool = True) -> None:
        if not commit:
            return
        kept = assignment_delete(assignment=obj)
        if not hasattr(self, "unassigned"):
            self.unassigned = []
        self.unassigned.append(unassigned_message(obj, kept))


class AssignmentInline(AssignmentInlineBase):
    model = Assignment
    formset = AssignmentFormSet
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

    @admin.action(description="Assign selected threads to k annotators…", permissions=["assign"])
    def assign_to_annotators(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> HttpResponse | None:
        articles = list(queryset.select_related("corpus").order_by("corpus__slug", "id"))
        corpora = {a.corpus_id: a.corpus for a in articles}
        if len(corpora) != 1:
            messages.error(
                request,
                "Choose threads of one corpus: annotators are given roles per corpus. "
                "Nothing was assigned.",
            )
            return None
        corpus = next(iter(corpora.values()))
        if "apply" in request.POST:
            form = AssignForm(request.POST, corpus=corpus)
            if form.is_valid() and assign_overlap(request, form, corpus, articles):
                return None
        else:
            form = AssignForm(corpus=corpus)
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign threads to annotators",
            "opts": self.opts,
            "form": form,
            "corpus": corpus,
            "articles": articles,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/annotate/assign_annotators.html", context)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for message in getattr(formset, "unassigned", []):
            messages.warning(request, message)

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("annotate.add_assignment"))
