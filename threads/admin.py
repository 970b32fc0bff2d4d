"""Admin for corpora, articles and comments.

Changes go through :mod:`threads.services`: editing a text that carries
annotations is refused with a message, and a thread's comments can be merged
and split from the article's change page, where they are shown as an indented
tree read in one query. The annotation side (label schema, grants, import
upload, assignments) is added by ``annotate/admin.py``, which extends these
classes: ``threads`` never imports ``annotate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import Truncator

from threads.models import Article, Comment, Corpus
from threads.services import (
    article_body_has_dependents,
    article_update_body,
    comment_create,
    comment_has_dependents,
    comment_merge,
    comment_split,
    comment_update_text,
    dependent_relations,
    paragraphs,
)

if TYPE_CHECKING:
    # django-stubs makes the admin and model forms generic over their model; Django's
    # classes take no parameter at run time (that needs django-stubs-ext's monkeypatch,
    # a development-only package), so only mypy sees the parameters.
    CorpusAdminBase = admin.ModelAdmin[Corpus]
    ArticleAdminBase = admin.ModelAdmin[Article]
    CommentAdminBase = admin.ModelAdmin[Comment]
    ArticleFormBase = forms.ModelForm[Article]
    CommentFormBase = forms.ModelForm[Comment]
else:
    CorpusAdminBase = ArticleAdminBase = CommentAdminBase = admin.ModelAdmin
    ArticleFormBase = CommentFormBase = forms.ModelForm


@admin.register(Corpus)
class CorpusAdmin(CorpusAdminBase):
    list_display = ["slug", "title", "thread_count", "comment_count", "updated_at"]
    search_fields = ["slug", "title"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["slug", "title", "description", "guidelines"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Corpus]:
        # Counts for the whole page in the changelist's one query, not a query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                thread_count=Count("articles", distinct=True),
                comment_count=Count("articles__comments"),
            )
        )

    @admin.display(description="threads", ordering="thread_count")
    def thread_count(self, obj: Corpus) -> int:
        thread_count: int = obj.thread_count  # type: ignore[attr-defined]  # annotated by get_queryset
        return thread_count

    @admin.display(description="comments", ordering="comment_count")
    def comment_count(self, obj: Corpus) -> int:
        comment_count: int = obj.comment_count  # type: ignore[attr-defined]  # annotated by get_queryset
        return comment_count


@dataclass
class TreeUrls:
    """URL prefixes reversed once per page, not three times per comment of a long thread."""

    thread_prefix: str  # + "<comment id>/merge/" or "/split/"
    comment_change_prefix: str  # + "<comment id>/change/"

    @classmethod
    def for_article(cls, article: Article) -> TreeUrls:
        merge = reverse("admin:threads_article_comment_merge", args=[article.pk, 0])
        change = reverse("admin:threads_comment_change", args=[0])
        return cls(
            thread_prefix=merge.removesuffix("0/merge/"),
            comment_change_prefix=change.removesuffix("0/change/"),
        )


@dataclass
class TreeRow:
    """One comment of the article page's tree, with what its buttons need."""

    comment: Comment
    paragraphs: list[str]
    annotated: bool
    previous_sibling: Comment | None
    urls: TreeUrls

    @property
    def can_merge(self) -> bool:
        return (
            self.previous_sibling is not None
            and not self.annotated
            and not getattr(self.previous_sibling, "annotated", False)
        )

    @property
    def change_url(self) -> str:
        return f"{self.urls.comment_change_prefix}{self.comment.pk}/change/"

    @property
    def merge_url(self) -> str:
        return f"{self.urls.thread_prefix}{self.comment.pk}/merge/"

    @property
    def split_url(self) -> str:
        return f"{self.urls.thread_prefix}{self.comment.pk}/split/"

    @property
    def merge_refusal(self) -> str:
        if self.previous_sibling is None:
            return "The first of its siblings: nothing to merge into."
        if self.annotated:
            return "Carries annotations."
        return "The previous sibling carries annotations."


def comment_tree_rows(article: Article) -> list[TreeRow]:
    """The article's comments in display order, flagged when annotated: one query.

    "Annotated" is asked generically (see :mod:`threads.services`): an ``EXISTS``
    per reverse relation of another app, inside the same query.
    """
    flags = {
        f"_has_{rel.name}": Exists(
            rel.related_model._default_manager.filter(  # type: ignore[union-attr]
                **{rel.field.name: OuterRef("pk")}
            )
        )
        for rel in dependent_relations(Comment)
    }
    comments = list(Comment.objects.filter(article=article).annotate(**flags).order_by("position"))
    urls = TreeUrls.for_article(article)
    rows: list[TreeRow] = []
    last_child: dict[int | None, Comment] = {}  # parent id -> the last reply seen so far
    for comment in comments:
        comment.article = article
        comment.annotated = any(getattr(comment, name) for name in flags)  # type: ignore[attr-defined]
        rows.append(
            TreeRow(
                comment=comment,
                paragraphs=paragraphs(comment.text),
                annotated=comment.annotated,  # type: ignore[attr-defined]
                previous_sibling=last_child.get(comment.parent_id),
                urls=urls,
            )
        )
        last_child[comment.parent_id] = comment
    return rows


class ArticleAdminForm(ArticleFormBase):
    url = forms.URLField(required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Article
        fields = ["corpus", "external_id", "title", "body", "author", "url", "published_at", "meta"]

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if (
            self.instance.pk
            and "body" in self.changed_data
            and article_body_has_dependents(self.instance)
        ):
            raise ValidationError(
                "The body carries annotations: editing it would leave them pointing at the "
                "wrong characters. Remove the annotations on the body first."
            )
        return body


@admin.register(Article)
class ArticleAdmin(ArticleAdminBase):
    form = ArticleAdminForm
    change_form_template = "admin/threads/article/change_form.html"
    list_display = ["title", "corpus", "external_id", "comment_count", "published_at"]
    list_select_related = ["corpus"]
    list_filter = ["corpus"]
    search_fields = ["title", "external_id", "corpus__slug"]
    autocomplete_fields = ["corpus"]
    date_hierarchy = "published_at"
    fields = ["corpus", "external_id", "title", "body", "author", "url", "published_at", "meta"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).annotate(comment_count=Count("comments"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving a thread to another corpus would strand its labels on the old schema.
        return ["corpus"] if obj is not None else []

    @admin.display(description="comments", ordering="comment_count")
    def comment_count(self, obj: Article) -> int:
        comment_count: int = obj.comment_count  # type: ignore[attr-defined]  # annotated by get_queryset
        return comment_count

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if change and "body" in form.changed_data:
            body = obj.body
            obj.body = form.initial["body"]
            try:
                article_update_body(article=obj, body=body)
                obj.body = body
            except ValidationError as error:  # annotated since the form was checked
                messages.error(request, " ".join(error.messages))
        super().save_model(request, obj, form, change)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        article = self.get_object(request, object_id)
        if article is not None:
            # Read only if the page is rendered (not after a successful save, which redirects).
            extra_context["comment_tree"] = SimpleLazyObject(lambda: comment_tree_rows(article))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/comments/<int:comment_id>/merge/",
                view(self.comment_merge_view),
                name="threads_article_comment_merge",
            ),
            path(
                "<path:object_id>/comments/<int:comment_id>/split/",
                view(self.comment_split_view),
                name="threads_article_comment_split",
            ),
            *super().get_urls(),
        ]

    def _thread_comment(self, request: HttpRequest, object_id: str, comment_id: int) -> Comment:
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return get_object_or_404(Comment, pk=comment_id, article=article)

    def _back_to_tree(self, object_id: str, comment_id: int) -> HttpResponseRedirect:
        url = reverse("admin:threads_article_change", args=[object_id])
        return HttpResponseRedirect(f"{url}#comment-{comment_id}")

    def comment_merge_view(
        self, request: HttpRequest, object_id: str, comment_id: int
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self._thread_comment(request, object_id, comment_id)
        try:
            sibling = comment_merge(comment=comment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._back_to_tree(object_id, comment.pk)
        messages.success(
            request, f"Merged comment {comment.external_id} into {sibling.external_id}."
        )
        return self._back_to_tree(object_id, sibling.pk)

    def comment_split_view(
        self, request: HttpRequest, object_id: str, comment_id: int
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self._thread_comment(request, object_id, comment_id)
        try:
            at = int(request.POST.get("at_paragraph", ""))
        except ValueError:
            messages.error(request, "Choose the paragraph to split before.")
            return self._back_to_tree(object_id, comment.pk)
        try:
            new = comment_split(comment=comment, at_paragraph=at)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._back_to_tree(object_id, comment.pk)
        messages.success(
            request,
            f"Split comment {comment.external_id} before its paragraph {at + 1}: "
            f"the rest and the replies are now comment {new.external_id}.",
        )
        return self._back_to_tree(object_id, comment.pk)


class CommentAdminForm(CommentFormBase):
    class Meta:
        model = Comment
        fields = ["article", "parent", "external_id", "author", "text", "posted_at", "meta"]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if (
            self.instance.pk
            and "text" in self.changed_data
            and comment_has_dependents(self.instance)
        ):
            raise ValidationError(
                "This comment carries annotations: editing its text would leave them pointing "
                "at the wrong characters. Remove its annotations first."
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        article, parent = data.get("article"), data.get("parent")
        if not self.instance.pk and article and parent and parent.article_id != article.pk:
            self.add_error("parent", "The parent must be a comment of the same article.")
        return data


@admin.register(Comment)
class CommentAdmin(CommentAdminBase):
    form = CommentAdminForm
    list_display = ["external_id", "short_text", "author", "article", "depth", "position"]
    list_select_related = ["article"]
    list_filter = ["depth"]
    search_fields = ["text", "author", "external_id", "article__title"]
    raw_id_fields = ["article", "parent"]
    ordering = ["article_id", "position"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Where a comment sits in its thread changes only by merge and split.
        return ["article", "parent", "depth", "position"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting one comment would take its replies with it and break the
        # display order; merge it into its previous sibling instead.
        return False

    @admin.display(description="text")
    def short_text(self, obj: Comment) -> str:
        return Truncator(obj.text).chars(80)

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        if not change:
            created = comment_create(
                article=obj.article,
                parent=obj.parent,
                external_id=obj.external_id,
                text=obj.text,
                author=obj.author,
                posted_at=obj.posted_at,
                meta=obj.meta,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        if "text" in form.changed_data:
            text = obj.text
            obj.text = form.initial["text"]
            try:
                comment_update_text(comment=obj, text=text)
                obj.text = text
            except ValidationError as error:  # annotated since the form was checked
                messages.error(request, " ".join(error.messages))
        super().save_model(request, obj, form, change)
