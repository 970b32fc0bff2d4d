"""The reviewer's workspace: the home list, the review page and the htmx endpoints that settle
a thread into gold.

Every view finds the thread through ``get_thread_for_reviewer`` (404 unless the signed-in user
reviews its corpus, or is an admin): annotators, researchers and outsiders see nothing. Writes
go through ``annotate.services.gold``; what it refuses (a stale write, a broken rule) comes back
as the text's block with the message in it (409 or 422, swapped in place by htmx), so the
reviewer sees at once what changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from annotate.access import get_thread_for_reviewer
from annotate.models import Claim, ReplyLabel, ReviewStatus, ThreadReview
from annotate.selectors.assignments import COMMENT_FIELDS
from annotate.selectors.review import (
    gold_target_choices,
    review_home,
    review_next,
    review_text_get,
    review_thread_get,
)
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import ARTICLE_KEY, thread_comment_get
from annotate.services import claims, gold
from annotate.workspace.forms import TARGET_CLAIM, ClaimForm, SpanForm
from annotate.workspace.views import guidelines_html
from threads.models import Article, Comment

PAGE = "annotate/review/thread.html"
EDITOR = "annotate/thread.html#editor"  # the annotators' claim form, shared
EDITOR_MESSAGE = "annotate/thread.html#editor_message"


class ReviewerRequest(HttpRequest):
    htmx: HtmxDetails
    user: User


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 18


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@require_GET
def home(request: ReviewerRequest) -> HttpResponse:
    """The corpora the user reviews and their threads, those needing a reviewer first."""
    data = review_home(user=request.user, page_number=request.GET.get("page", 1))
    return render(request, "annotate/review/home.html", {"home": data})


@require_GET
def open_next(request: ReviewerRequest) -> HttpResponse:
    """Open the first thread of the queue not yet reviewed, or go back to the list."""
    article = review_next(user=request.user)
    if article is None:
        messages.info(request, "Every thread you review is reviewed. Thank you!")
        return redirect("annotate:review-home")
    return redirect("annotate:review-thread", article_id=article.pk)


def review_urls(article: Article) -> dict[str, str]:
    """The endpoints the review page's buttons post to, reversed once a page rather than once a
    button (a 2,000-comment thread has some 12,000 buttons). ``gold_edit`` is the prefix of a
    gold claim's form, its id and "/" to follow."""
    gold_edit = reverse("annotate:review-gold-edit", args=[article.pk, 0])
    return {
        "accept": reverse("annotate:review-accept", args=[article.pk]),
        "accept_all": reverse("annotate:review-accept-all", args=[article.pk]),
        "reply_accept": reverse("annotate:review-reply-accept", args=[article.pk]),
        "majority": reverse("annotate:review-reply-majority", args=[article.pk]),
        "gold_edit": gold_edit.removesuffix("0/"),
    }


def _page_context(request: ReviewerRequest, article_id: int) -> dict[str, Any]:
    rt = review_thread_get(user=request.user, article_id=article_id)
    return {
        "rt": rt,
        "urls": review_urls(rt.article),
        "article": rt.article,
        "schema": rt.schema,
        "guidelines": guidelines_html(rt.article.corpus.guidelines),
        "statuses": ReviewStatus.choices,
        "review": rt.review,
    }


@vary_on_headers("HX-Request")
@require_GET
def thread(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Every annotator's labels on the thread side by side, and its gold. Opening the page
    changes nothing: the first gold change puts an unreviewed thread in review."""
    context = _page_context(request, article_id)
    return render(request, f"{PAGE}#thread" if request.htmx else PAGE, context)


def _comment_for_key(article: Article, key: str) -> Comment | None:
    if key == ARTICLE_KEY:
        return None
    if not _is_id(key):
        raise Http404("No such text in this thread.")
    comment = thread_comment_get(article=article, comment_id=int(key))
    if comment is None:
        raise Http404("No such comment in this thread.")
    return comment


def _review_of(article: Article) -> ThreadReview | None:
    return ThreadReview.objects.filter(article=article).select_related("updated_by").first()


def _block_response(
    request: ReviewerRequest,
    article: Article,
    comment: Comment | None,
    *,
    schema: Schema | None = None,
    note: str = "",
    error: str = "",
    status: int = 200,
    close_editor: bool = False,
) -> HttpResponse:
    """After a gold change (or a refusal): the text's block as it is now, with the message,
    and, out of band, the review status panel (the change may have put the thread in review)."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif note:
            messages.info(request, note)
        anchor = "post" if comment is None else f"c{comment.pk}"
        return redirect(reverse("annotate:review-thread", args=[article.pk]) + f"#{anchor}")
    schema = schema or schema_get(corpus_id=article.corpus_id)
    text = review_text_get(article=article, comment=comment, schema=schema)
    return render(
        request,
        f"{PAGE}#changed",
        {
            "t": text,
            "urls": review_urls(article),
            "article": article,
            "note": note,
            "error": error,
            "review": _review_of(article),
            "statuses": ReviewStatus.choices,
            "close_editor": close_editor,
        },
        status=status,
    )


def _status_for(error: ValidationError) -> int:
    return 409 if isinstance(error, gold.GoldConflict) else 422


@require_POST
def claim_accept(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Accept one annotator's claim (``claim``, as the page saw it: ``seen``) into gold."""
    article = get_thread_for_reviewer(request.user, article_id)
    claim_id, seen = request.POST.get("claim", ""), request.POST.get("seen", "")
    if not _is_id(claim_id):
        return HttpResponseBadRequest("Accepting needs a claim.")
    # The text to show again: the claim's, or (when it is gone) the one the page names.
    place = (
        Claim.objects.filter(pk=int(claim_id), article=article)
        .select_related("comment")
        .only("comment", *(f"comment__{f}" for f in COMMENT_FIELDS))
        .first()
    )
    if place is not None:
        comment = place.comment
        if comment is not None:
            comment.article = article
    else:
        comment = _comment_for_key(article, request.POST.get("text", ""))
    try:
        accepted = gold.gold_claim_accept(reviewer=request.user, claim_id=int(claim_id), seen=seen)
    except ValidationError as error:
        return _block_response(
            request,
            article,
            comment,
            error=" ".join(_messages_of(error)),
            status=_status_for(error),
        )
    return _block_response(request, article, comment, note=accepted.note)


def _parse_seen(value: str) -> dict[int, str] | None:
    """ "id=version;id=version" (a lane as the page showed it), or None when it is not that."""
    seen: dict[int, str] = {}
    for part in filter(None, value.split(";")):
        pk, _, version = part.partition("=")
        if not _is_id(pk) or not version:
            return None
        seen[int(pk)] = version
    return seen


@require_POST
def claims_accept_all(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Accept every claim of one annotator (``annotator``) on one text (``text``)."""
    article = get_thread_for_reviewer(request.user, article_id)
    annotator_id = request.POST.get("annotator", "")
    seen = _parse_seen(request.POST.get("seen", ""))
    if not _is_id(annotator_id) or seen is None:
        return HttpResponseBadRequest("Accepting all needs an annotator and the claims seen.")
    comment = _comment_for_key(article, request.POST.get("text", ""))
    try:
        accepted, skipped = gold.gold_claims_accept_all(
            reviewer=request.user,
            article=article,
            annotator_id=int(annotator_id),
            comment_id=None if comment is None else comment.pk,
            seen=seen,
        )
    except ValidationError as error:
        return _block_response(
            request,
            article,
            comment,
            error=" ".join(_messages_of(error)),
            status=_status_for(error),
        )
    note = f"{len(accepted)} accepted" + (f", {skipped} already in gold" if skipped else "") + "."
    notes = [a.note for a in accepted if a.note]
    return _block_response(request, article, comment, note=" ".join([note, *notes]))


@require_POST
def reply_accept(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Make one annotator's reply label (``label``) the comment's gold one."""
    article = get_thread_for_reviewer(request.user, article_id)
    label_id = request.POST.get("label", "")
    if not _is_id(label_id):
        return HttpResponseBadRequest("Accepting needs a reply label.")
    comment_id = (
        ReplyLabel.objects.filter(pk=int(label_id), article=article)
        .values_list("comment_id", flat=True)
        .first()
    )
    comment = _comment_for_key(
        article, str(comment_id) if comment_id else request.POST.get("comment", "")
    )
    try:
        gold.gold_reply_label_accept(
            reviewer=request.user,
            reply_label_id=int(label_id),
            seen=request.POST.get("seen", ""),
            seen_gold=request.POST.get("seen_gold", ""),
        )
    except ValidationError as error:
        return _block_response(
            request,
            article,
            comment,
            error=" ".join(_messages_of(error)),
            status=_status_for(error),
        )
    return _block_response(request, article, comment)


@require_POST
def reply_majority(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Make the annotators' majority reply label on ``comment`` its gold one."""
    article = get_thread_for_reviewer(request.user, article_id)
    comment = _comment_for_key(article, request.POST.get("comment", ""))
    if comment is None:
        return HttpResponseBadRequest("The article has no reply label.")
    try:
        gold.gold_reply_label_majority(
            reviewer=request.user,
            comment=comment,
            seen=request.POST.get("seen", ""),
            seen_gold=request.POST.get("seen_gold", ""),
        )
    except ValidationError as error:
        return _block_response(
            request,
            article,
            comment,
            error=" ".join(_messages_of(error)),
            status=_status_for(error),
        )
    return _block_response(request, article, comment)


@require_POST
def status(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Set the thread's review status ("Mark reviewed", "In review"): returns the panel."""
    article = get_thread_for_reviewer(request.user, article_id)
    try:
        review = gold.review_status_set(
            reviewer=request.user, article=article, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(_messages_of(error)))
    if not request.htmx:
        if review.status == ReviewStatus.REVIEWED:
            messages.success(request, f"“{article.title}” is marked reviewed.")
            return redirect("annotate:review-home")
        return redirect("annotate:review-thread", article_id=article.pk)
    return render(
        request,
        f"{PAGE}#status",
        {"article": article, "review": _review_of(article), "statuses": ReviewStatus.choices},
    )


# --- Drawing and editing gold claims with the annotators' claim form -----------------------


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
    page = _page_context(request, context["article"].pk)
    return render(request, PAGE, {**page, **context, "editor_open": True}, status=status)


def _gold_target_posted(request: ReviewerRequest, article: Article) -> list[Claim]:
    """The gold claim the form names as its target, if it is a gold claim of this thread (the
    service checks it lies up the reply chain); anything else is not a choice."""
    target = request.POST.get("target", "")
    if not (target.startswith(TARGET_CLAIM) and _is_id(target[1:])):
        return []
    return list(Claim.objects.filter(pk=int(target[1:]), article=article, is_gold=True))


def _full_choices(
    form: ClaimForm, article: Article, comment: Comment | None, schema: Schema
) -> None:
    """Show a refused form again with every target it may choose."""
    full = ClaimForm(
        schema=schema,
        for_article=comment is None,
        target_claims=gold_target_choices(article=article, comment=comment),
    )
    form.fields["target"].choices = full.fields["target"].choices  # type: ignore[attr-defined]
    form.target_claims = full.target_claims


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
    comment = _comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        initial=ClaimForm.initial_for(None, schema, comment is None),
        schema=schema,
        for_article=comment is None,
        target_claims=gold_target_choices(article=article, comment=comment),
    )
    errors: list[str] = []
    try:
        claims.span_check(
            text=article.body if comment is None else comment.text,
            start=span["start"],
            end=span["end"],
            quote=span["quote"],
            comment=comment,
        )
    except ValidationError as error:
        errors = _messages_of(error)
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
    comment = _comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    form = ClaimForm(
        request.POST,
        schema=schema,
        for_article=comment is None,
        target_claims=_gold_target_posted(request, article),
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
            errors = _messages_of(error)
        else:
            return _block_response(request, article, comment, schema=schema, close_editor=True)
    _full_choices(form, article, comment, schema)
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
        target_claims=gold_target_choices(article=article, comment=claim.comment),
        claim=claim,
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
        target_claims=_gold_target_posted(request, article),
        claim=claim,
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
            errors = _messages_of(error)
        else:
            return _block_response(
                request, article, claim.comment, schema=schema, close_editor=True
            )
    _full_choices(form, article, claim.comment, schema)
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
        return _gone(request, article, " ".join(_messages_of(error)))
    return _block_response(request, article, claim.comment, close_editor=True)
