"""Drawing and editing gold claims on the review page, with the annotators' claim form.

A selection opens the form for a new gold claim, a click on a gold claim the form for it; the
form is the annotators' own (``annotate/thread.html#editor``, ``ClaimForm``) with the gold
endpoints, and offers as targets the gold claims up the reply chain, and for a relation those
and the gold claims of the same text (a gold claim's form lists its gold relations, each
removable). An edit or a delete carries the version of the gold claim it showed: one changed
meanwhile is refused (409) with what changed, and the text's block is shown again as it now is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from annotate.access import get_thread_for_reviewer
from annotate.models import Claim
from annotate.review.views import (
    PAGE,
    ReviewerRequest,
    block_response,
    comment_for_key,
    is_id,
    messages_of,
    page_context,
    review_urls,
)
from annotate.selectors.relations import claim_relations
from annotate.selectors.review import (
    gold_relation_start,
    gold_target_choices,
    review_text_get,
)
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import ARTICLE_KEY
from annotate.services import gold
from annotate.services.claim_checks import span_problems
from annotate.workspace.forms import (
    TARGET_CLAIM,
    ClaimChoices,
    ClaimForm,
    SpanForm,
    split_choices,
)
from threads.models import Article, Comment

EDITOR = "annotate/thread.html#editor"  # the annotators' claim form, shared
EDITOR_MESSAGE = "annotate/thread.html#editor_message"


def _editor_context(
    *,
    article: Article,
    comment: Comment | None,
    schema: Schema,
    form: ClaimForm,
    span: dict[str, Any],
    claim: Claim | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    key = ARTICLE_KEY if comment is None else str(comment.pk)
    if claim is None:
        action = reverse("annotate:review-gold-create", args=[article.pk])
        delete_url = ""
    else:
        action = reverse("annotate:review-gold-update", args=[article.pk, claim.pk])
        delete_url = reverse("annotate:review-gold-delete", args=[article.pk, claim.pk])
    return {
        "relations": [
            (r, reverse("annotate:review-gold-relation-delete", args=[article.pk, r.pk]))
            for r in (claim_relations(claim_id=claim.pk, schema=schema) if claim else [])
        ],
        "article": article,
        "form": form,
        "schema": schema,
        "key": key,
        "span": span,
        "where": ("the article" if comment is None else f"comment #{comment.position + 1}")
        + " (gold)",
        "claim": claim,
        "action": action,
        "delete_url": delete_url,
        "version": gold.version_of(claim) if claim is not None else "",
        "errors": (errors or []) + [str(e) for e in form.non_field_errors()],
        "field_errors": [str(e) for f in form for e in f.errors],
    }


def _editor_response(
    request: ReviewerRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    if request.htmx:
        response = render(request, EDITOR, context, status=status)
        if status != 200:
            response = reswap(retarget(response, "#editor"), "innerHTML")
        return response
    page = page_context(request, context["article"].pk)
    return render(request, PAGE, {**page, **context, "editor_open": True}, status=status)


def _gold_posted(request: ReviewerRequest, article: Article) -> ClaimChoices:
    """The gold claims the form names, as its target and for a relation, if they are gold claims
    of this thread (the services check where they lie); anything else is not a choice. One
    query, none when it names no claim."""
    target, related = request.POST.get("target", ""), request.POST.get("relation_to", "")
    target_id = int(target[1:]) if target.startswith(TARGET_CLAIM) and is_id(target[1:]) else None
    related_id = int(related) if is_id(related) else None
    ids = {pk for pk in (target_id, related_id) if pk is not None}
    found = (
        {c.pk: c for c in Claim.objects.filter(pk__in=ids, article=article, is_gold=True)}
        if ids
        else {}
    )
    return {
        "target_claims": [found[target_id]] if target_id in found else [],
        "relation_claims": [found[related_id]] if related_id in found else [],
    }


def _gold_choices(article: Article, comment: Comment | None) -> ClaimChoices:
    """Every gold claim the form offers: targets up the reply chain, relations there and in
    the same text."""
    return split_choices(
        gold_target_choices(article=article, comment=comment, same_text=True), comment
    )


@vary_on_headers("HX-Request")
@require_GET
def gold_new(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """The claim form for a gold claim on the selected span (``text``, ``start``, ``end``,
    ``quote``)."""
    article = get_thread_for_reviewer(request.user, article_id)
    span_form = SpanForm(request.GET)
    if not span_form.is_valid():
        return HttpResponseBadRequest("A selection needs text, start, end and quote.")
    span = span_form.cleaned_data
    comment = comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        initial=ClaimForm.initial_for(None, schema, comment is None),
        schema=schema,
        for_article=comment is None,
        **_gold_choices(article, comment),
    )
    errors = span_problems(
        article=article,
        comment=comment,
        start=span["start"],
        end=span["end"],
        quote=span["quote"],
    )
    context = _editor_context(
        article=article, comment=comment, schema=schema, form=form, span=span, errors=errors
    )
    return _editor_response(request, context, status=422 if errors else 200)


@require_POST
def gold_create(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Save a gold claim the reviewer drew."""
    article = get_thread_for_reviewer(request.user, article_id)
    span_form = SpanForm(request.POST)
    if not span_form.is_valid():
        return HttpResponseBadRequest("A claim needs text, start, end and quote.")
    span = span_form.cleaned_data
    comment = comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        request.POST, schema=schema, for_article=comment is None, **_gold_posted(request, article)
    )
    errors: list[str] = []
    if form.is_valid():
        try:
            gold.gold_claim_draw(
                reviewer=request.user,
                article=article,
                comment=comment,
                start=span["start"],
                end=span["end"],
                quote=span["quote"],
                **form.labels(),
            )
        except ValidationError as error:
            errors = messages_of(error)
        else:
            return block_response(request, article, comment, schema=schema, close_editor=True)
    form.offer(**_gold_choices(article, comment))
    context = _editor_context(
        article=article, comment=comment, schema=schema, form=form, span=span, errors=errors
    )
    return _editor_response(request, context, status=422)


def _gold_claim(article: Article, claim_id: int) -> Claim | None:
    claim = (
        Claim.objects.filter(pk=claim_id, article=article, is_gold=True)
        .select_related("comment")
        .first()
    )
    if claim is not None and claim.comment is not None:
        claim.comment.article = article
    return claim


def _claim_span(claim: Claim) -> dict[str, Any]:
    key = ARTICLE_KEY if claim.comment_id is None else str(claim.comment_id)
    return {"text": key, "start": claim.start, "end": claim.end, "quote": claim.quote}


def _gone(request: ReviewerRequest, article: Article, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, EDITOR_MESSAGE, {"message": message}, status=409)
        return reswap(retarget(response, "#editor"), "innerHTML")
    messages.error(request, message)
    return redirect("annotate:review-thread", article_id=article.pk)


@vary_on_headers("HX-Request")
@require_GET
def gold_edit(request: ReviewerRequest, article_id: int, claim_id: int) -> HttpResponse:
    """The claim form for a gold claim, carrying the version it shows."""
    article = get_thread_for_reviewer(request.user, article_id)
    claim = _gold_claim(article, claim_id)
    if claim is None:
        return _gone(request, article, "This gold claim no longer exists. Nothing was changed.")
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        initial=ClaimForm.initial_for(claim, schema, claim.comment is None),
        schema=schema,
        for_article=claim.comment is None,
        claim=claim,
        **_gold_choices(article, claim.comment),
    )
    context = _editor_context(
        article=article,
        comment=claim.comment,
        schema=schema,
        form=form,
        span=_claim_span(claim),
        claim=claim,
    )
    return _editor_response(request, context)


def _conflict_response(
    request: ReviewerRequest, article: Article, comment: Comment | None, message: str
) -> HttpResponse:
    """A stale edit: the message in the editor, and the text's block as it is now."""
    if not request.htmx:
        messages.error(request, message)
        return redirect("annotate:review-thread", article_id=article.pk)
    schema = schema_get(corpus_id=article.corpus_id)
    response = render(
        request,
        f"{PAGE}#conflict",
        {
            "message": message,
            "t": review_text_get(article=article, comment=comment, schema=schema),
            "urls": review_urls(article),
            "article": article,
            "error": "",
            "note": "",
        },
        status=409,
    )
    return reswap(retarget(response, "#editor"), "innerHTML")


@require_POST
def gold_update(request: ReviewerRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Save new labels on a gold claim, unless it changed since the form was opened."""
    article = get_thread_for_reviewer(request.user, article_id)
    claim = _gold_claim(article, claim_id)
    if claim is None:
        return _gone(
            request,
            article,
            "This gold claim was deleted since the page showed it; nothing was saved.",
        )
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        request.POST,
        schema=schema,
        for_article=claim.comment is None,
        claim=claim,
        **_gold_posted(request, article),
    )
    errors: list[str] = []
    if form.is_valid():
        labels = form.labels()
        try:
            gold.gold_claim_update(
                reviewer=request.user,
                claim_id=claim.pk,
                seen=request.POST.get("version", ""),
                **labels,
            )
        except gold.GoldConflict as error:
            return _conflict_response(request, article, claim.comment, " ".join(error.messages))
        except ValidationError as error:
            errors = messages_of(error)
        else:
            return block_response(request, article, claim.comment, schema=schema, close_editor=True)
    form.offer(**_gold_choices(article, claim.comment))
    context = _editor_context(
        article=article,
        comment=claim.comment,
        schema=schema,
        form=form,
        span=_claim_span(claim),
        claim=claim,
        errors=errors,
    )
    return _editor_response(request, context, status=422)


@require_POST
def gold_delete(request: ReviewerRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Take a claim out of gold, unless it changed since the form was opened."""
    article = get_thread_for_reviewer(request.user, article_id)
    claim = _gold_claim(article, claim_id)
    if claim is None:
        return _gone(request, article, "This gold claim was already deleted; nothing was changed.")
    try:
        gold.gold_claim_delete(
            reviewer=request.user, claim_id=claim.pk, seen=request.POST.get("version", "")
        )
    except gold.GoldConflict as error:
        return _conflict_response(request, article, claim.comment, " ".join(error.messages))
    except ValidationError as error:
        return _gone(request, article, " ".join(messages_of(error)))
    return block_response(request, article, claim.comment, close_editor=True)


@require_POST
def gold_relation_delete(
    request: ReviewerRequest, article_id: int, relation_id: int
) -> HttpResponse:
    """Take a relation out of gold (the form of either of its gold claims offers it): the text
    of the claim it started from is shown again without it."""
    article = get_thread_for_reviewer(request.user, article_id)
    from_claim = gold_relation_start(article=article, relation_id=relation_id)
    try:
        gold.gold_relation_delete(reviewer=request.user, article=article, relation_id=relation_id)
    except ValidationError as error:
        return _gone(request, article, " ".join(messages_of(error)))
    comment = from_claim.comment if from_claim is not None else None
    if comment is not None:
        comment.article = article
    response = block_response(request, article, comment, close_editor=True)
    if request.htmx:  # the form may be the other claim's, in another text
        key = ARTICLE_KEY if comment is None else str(comment.pk)
        response = retarget(response, f"#tb-{key}")
    return response
