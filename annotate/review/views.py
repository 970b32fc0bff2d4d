"""The reviewer's workspace: the home list, the review page and the htmx endpoints that settle
a thread into gold.

Every view finds the thread through ``get_thread_for_reviewer`` (404 unless the signed-in user
reviews its corpus, or is an admin): annotators, researchers and outsiders see nothing. Writes
go through ``annotate.services.gold``; what it refuses (a stale write, a broken rule) comes back
as the text's block with the message in it (409 or 422, swapped in place by htmx), so the
reviewer sees at once what changed. Drawing and editing gold claims with the annotators' claim
form is in ``gold_form.py``.
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
from django_htmx.middleware import HtmxDetails

from annotate.access import get_thread_for_reviewer
from annotate.models import Claim, ReplyLabel, ReviewStatus, ThreadReview, Toward
from annotate.selectors.assignments import COMMENT_FIELDS
from annotate.selectors.review import (
    review_home,
    review_next,
    review_text_get,
    review_thread_get,
)
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import ARTICLE_KEY, thread_comment_get
from annotate.services import gold
from annotate.services.agreement import corpus_agreement
from annotate.workspace.views import guidelines_html
from threads.models import Article, Comment

PAGE = "annotate/review/thread.html"


class ReviewerRequest(HttpRequest):
    htmx: HtmxDetails
    user: User


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 18


def messages_of(error: ValidationError) -> list[str]:
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


def page_context(request: ReviewerRequest, article_id: int) -> dict[str, Any]:
    review_page = review_thread_get(user=request.user, article_id=article_id)
    return {
        "review_page": review_page,
        "urls": review_urls(review_page.article),
        "article": review_page.article,
        "schema": review_page.schema,
        "guidelines": guidelines_html(review_page.article.corpus.guidelines),
        "statuses": ReviewStatus.choices,
        "review": review_page.review,
    }


@vary_on_headers("HX-Request")
@require_GET
def thread(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Every annotator's labels on the thread side by side, and its gold. Opening the page
    changes nothing: the first gold change puts an unreviewed thread in review."""
    context = page_context(request, article_id)
    if request.htmx:
        return render(request, f"{PAGE}#thread", context)
    article = context["article"]
    report = corpus_agreement(corpus=article.corpus, article_id=article.pk)
    context["agreement"] = report["threads"][article.external_id]
    return render(request, PAGE, context)


def comment_for_key(article: Article, key: str) -> Comment | None:
    if key == ARTICLE_KEY:
        return None
    if not is_id(key):
        raise Http404("No such text in this thread.")
    comment = thread_comment_get(article=article, comment_id=int(key))
    if comment is None:
        raise Http404("No such comment in this thread.")
    return comment


def _review_of(article: Article) -> ThreadReview | None:
    return ThreadReview.objects.filter(article=article).select_related("updated_by").first()


def block_response(
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
    if not is_id(claim_id):
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
        comment = comment_for_key(article, request.POST.get("text", ""))
    try:
        accepted = gold.gold_claim_accept(reviewer=request.user, claim_id=int(claim_id), seen=seen)
    except ValidationError as error:
        return block_response(
            request,
            article,
            comment,
            error=" ".join(messages_of(error)),
            status=_status_for(error),
        )
    note = " ".join(filter(None, [accepted.note, _relations_note(accepted.relations)]))
    return block_response(request, article, comment, note=note)


def _relations_note(brought: int) -> str:
    """What an accept says of the relations it brought into gold (nothing when none)."""
    if not brought:
        return ""
    return f"{brought} relation{'s' if brought != 1 else ''} to claims in gold came along."


def _parse_seen(value: str) -> dict[int, str] | None:
    """ "id=version;id=version" (a lane as the page showed it), or None when it is not that."""
    seen: dict[int, str] = {}
    for part in filter(None, value.split(";")):
        pk, _, version = part.partition("=")
        if not is_id(pk) or not version:
            return None
        seen[int(pk)] = version
    return seen


@require_POST
def claims_accept_all(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Accept every claim of one annotator (``annotator``) on one text (``text``)."""
    article = get_thread_for_reviewer(request.user, article_id)
    annotator_id = request.POST.get("annotator", "")
    seen = _parse_seen(request.POST.get("seen", ""))
    if not is_id(annotator_id) or seen is None:
        return HttpResponseBadRequest("Accepting all needs an annotator and the claims seen.")
    comment = comment_for_key(article, request.POST.get("text", ""))
    try:
        accepted, skipped = gold.gold_claims_accept_all(
            reviewer=request.user,
            article=article,
            annotator_id=int(annotator_id),
            comment_id=None if comment is None else comment.pk,
            seen=seen,
        )
    except ValidationError as error:
        return block_response(
            request,
            article,
            comment,
            error=" ".join(messages_of(error)),
            status=_status_for(error),
        )
    note = f"{len(accepted)} accepted" + (f", {skipped} already in gold" if skipped else "") + "."
    notes = [a.note for a in accepted if a.note]
    notes.append(_relations_note(sum(a.relations for a in accepted)))
    return block_response(request, article, comment, note=" ".join(filter(None, [note, *notes])))


@require_POST
def reply_accept(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Make one annotator's reply label (``label``) the comment's gold one."""
    article = get_thread_for_reviewer(request.user, article_id)
    label_id = request.POST.get("label", "")
    if not is_id(label_id):
        return HttpResponseBadRequest("Accepting needs a reply label.")
    comment_id = (
        ReplyLabel.objects.filter(pk=int(label_id), article=article)
        .values_list("comment_id", flat=True)
        .first()
    )
    comment = comment_for_key(
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
        return block_response(
            request,
            article,
            comment,
            error=" ".join(messages_of(error)),
            status=_status_for(error),
        )
    return block_response(request, article, comment)


@require_POST
def reply_majority(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Make the annotators' majority reply label on ``comment`` toward ``toward`` (``parent``,
    the default, or ``root``) its gold one in that direction."""
    article = get_thread_for_reviewer(request.user, article_id)
    comment = comment_for_key(article, request.POST.get("comment", ""))
    if comment is None:
        return HttpResponseBadRequest("The article has no reply label.")
    toward = request.POST.get("toward", Toward.PARENT)
    if toward not in Toward.values:
        return HttpResponseBadRequest("A reply label is toward “parent” or “root”.")
    try:
        gold.gold_reply_label_majority(
            reviewer=request.user,
            comment=comment,
            toward=toward,
            seen=request.POST.get("seen", ""),
            seen_gold=request.POST.get("seen_gold", ""),
        )
    except ValidationError as error:
        return block_response(
            request,
            article,
            comment,
            error=" ".join(messages_of(error)),
            status=_status_for(error),
        )
    return block_response(request, article, comment)


@require_POST
def status(request: ReviewerRequest, article_id: int) -> HttpResponse:
    """Set the thread's review status ("Mark reviewed", "In review"): returns the panel."""
    article = get_thread_for_reviewer(request.user, article_id)
    try:
        review = gold.review_status_set(
            reviewer=request.user, article=article, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(messages_of(error)))
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
