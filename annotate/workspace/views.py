"""The annotator's workspace: the dashboard, the thread page and the htmx endpoints that label it.

Every view finds the thread through ``get_thread_for_annotator`` (404 unless it is assigned to
the signed-in user) and every claim through the user's own claims on that thread, so another
annotator's labels can be neither seen nor changed (blind annotation). Writes go through the
services in ``annotate.services``; a rule they refuse comes back as a message in the page
(422, swapped into the editor by htmx), a crafted request as a 4xx that changes nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import markdown
import nh3
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from annotate.access import corpus_roles_for, get_thread_for_annotator
from annotate.models import Assignment, AssignmentStatus, Claim
from annotate.selectors.assignments import (
    assignment_comment_get_for_save,
    assignment_get_for_save,
    assignment_list,
    assignment_next,
    assignment_progress,
)
from annotate.selectors.progress import corpus_list_with_counts
from annotate.selectors.schema import Schema, label_value_get, schema_get
from annotate.selectors.workspace import (
    ARTICLE_KEY,
    claim_target_choices,
    comment_page_get,
    own_claim_get,
    own_claim_was_deleted,
    own_reply_label_get,
    thread_comment_get,
    workspace_get,
    workspace_text,
)
from annotate.services import assignments, claims, reply_labels
from annotate.workspace.forms import TARGET_CLAIM, ClaimForm, SpanForm
from threads.models import Article, Comment

PAGE = "annotate/thread.html"


class AnnotatorRequest(HttpRequest):
    """What the middleware gives these views: htmx details, and (LoginRequiredMiddleware) a
    signed-in user."""

    htmx: HtmxDetails
    user: User


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def guidelines_html(text: str) -> SafeString:
    """The corpus guidelines, Markdown (plain text reads as paragraphs), sanitised by nh3."""
    return mark_safe(nh3.clean(markdown.markdown(text, extensions=["sane_lists"])))  # noqa: S308


# The dashboard pages an annotator's threads: 340 assignments took 100-184 ms on one page.
ASSIGNMENTS_PER_PAGE = 50
_NAV_NONE = {"review": False, "progress": "", "api": False}


def home(request: AnnotatorRequest) -> HttpResponse:
    """Each role's home: an annotator's threads (paged), a reviewer's way to the review and the
    progress of their corpora, a researcher's corpora with their exports and token; an admin
    gets all of these. A fixed number of queries whatever the number of threads or corpora."""
    roles = corpus_roles_for(request.user)
    page = Paginator(assignment_list(annotator=request.user), ASSIGNMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The list is in the order "open next" follows: its first row is next unless it is done.
    first = page[0] if page.number == 1 and len(page) else None
    if first is None and page.paginator.count:
        first = assignment_list(annotator=request.user).first()
    next_up = first if first is not None and first.status != AssignmentStatus.DONE else None
    corpora = []
    if roles.admin or roles.corpus_ids:
        corpora = list(corpus_list_with_counts(ids=roles.corpus_ids, every=roles.admin))
    reviewing = [c for c in corpora if roles.admin or c.pk in roles.reviewer]
    researching = [c for c in corpora if roles.admin or c.pk in roles.researcher]
    # What the top bar offers on every page (base.html), kept in the session so that other
    # pages need no query for it; refreshed here, where everyone lands after signing in.
    nav = {
        "review": bool(reviewing),
        "progress": reviewing[0].slug if len(reviewing) == 1 else ("" if not reviewing else "*"),
        "api": bool(reviewing or researching),
    }
    # A plain annotator's top bar is the default (no "nav"): their sessions are never written.
    if request.session.get("nav", _NAV_NONE) != nav:
        request.session["nav"] = nav
    return render(
        request,
        "annotate/home.html",
        {
            "page": page,
            "assignments": page.object_list,
            "next_up": next_up,
            "annotator": bool(page.paginator.count) or bool(roles.annotator),
            "reviewing": reviewing,
            "researching": researching,
            "admin": roles.admin,
        },
    )


@require_GET
def open_next(request: AnnotatorRequest) -> HttpResponse:
    """Open the next thread to label, or go back to the dashboard when all are done."""
    assignment = assignment_next(annotator=request.user)
    if assignment is None:
        messages.info(request, "Every thread assigned to you is done. Thank you!")
        return redirect("annotate:home")
    return redirect("annotate:thread", article_id=assignment.article_id)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def strong_colour(colour: str, *, on: str = "#ffffff", ratio: float = 4.5) -> str:
    """``colour``, darkened just enough for white text on it to meet WCAG AA (4.5:1).

    An active label pill is its value's colour with white text: the schema's colours are
    chosen for highlights, and several (green, orange, grey) are too light for that.
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(101):  # 1 % darker each step; black meets any ratio
        k = 1 - step / 100
        darker = f"#{round(r * k):02x}{round(g * k):02x}{round(b * k):02x}"
        if contrast_ratio(darker, on) >= ratio:
            return darker
    return "#000000"  # pragma: no cover - the loop ends at black


def _from_param(request: AnnotatorRequest) -> int:
    """The ``from`` query parameter: the position of the first comment to show (0: the top)."""
    value = request.GET.get("from", "0")
    if not _is_id(value):
        raise Http404("No such place in this thread.")
    return int(value)


def _thread_context(request: AnnotatorRequest, article_id: int, start: int = 0) -> dict[str, Any]:
    workspace = workspace_get(annotator=request.user, article_id=article_id, start=start)
    return {
        "workspace": workspace,
        "article": workspace.article,
        "assignment": workspace.assignment,
        "schema": workspace.schema,
        "value_styles": [
            (v.pk, v.colour, strong_colour(v.colour)) for v in workspace.schema.values
        ],
        "reply_values": workspace.schema.reply_labels,
        "reply_url": reverse("annotate:reply-label", args=[workspace.article.pk]),
        "reply_keys_json": json.dumps(
            {v.key: v.pk for v in workspace.schema.reply_labels if v.key}
        ),
        "labelled": workspace.labelled,
        "total": workspace.total,
        "page": workspace.page,
        "guidelines": guidelines_html(workspace.article.corpus.guidelines),
    }


@vary_on_headers("HX-Request")
@require_GET
def thread(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """The thread to label: the article and the first page of its comments (or the page from
    ``?from=N``), each with the user's own claims; the browser loads the rest as it scrolls."""
    context = _thread_context(request, article_id, _from_param(request))
    return render(request, f"{PAGE}#thread" if request.htmx else PAGE, context)


@vary_on_headers("HX-Request")
@require_GET
def comment_page(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """The next page of comments (``?from=N``) for htmx: each run of them swapped, out of band,
    into the replies box of its parent (or the comment list), and the marker that loads the page
    after it. Without htmx, the thread page from there."""
    start = _from_param(request)
    if not request.htmx:
        return redirect(reverse("annotate:thread", args=[article_id]) + f"?from={start}")
    assignment, schema, page = comment_page_get(
        annotator=request.user, article_id=article_id, start=start
    )
    return render(
        request,
        f"{PAGE}#comment_page",
        {
            "article": assignment.article,
            "assignment": assignment,
            "page": page,
            "reply_values": schema.reply_labels,
            "reply_url": reverse("annotate:reply-label", args=[article_id]),
        },
    )


def _assignment(request: AnnotatorRequest, article_id: int) -> Assignment:
    return get_thread_for_annotator(request.user, article_id)


def _is_id(value: str) -> bool:
    """Whether a posted value can be a database id: ASCII digits that fit a 64-bit integer.

    ``str.isdigit`` alone accepts "²" and other digits ``int`` refuses, and a long run
    of digits overflows PostgreSQL's bigint: either would be a 500, not a 400/404.
    """
    return value.isascii() and value.isdigit() and len(value) <= 18


def _comment_for_key(article: Article, key: str) -> Comment | None:
    """The text a key names: the article body (``a``) or one of the article's comments, or 404."""
    if key == ARTICLE_KEY:
        return None
    if not _is_id(key):
        raise Http404("No such text in this thread.")
    comment = thread_comment_get(article=article, comment_id=int(key))
    if comment is None:
        raise Http404("No such comment in this thread.")
    return comment


class _ClaimGone(Exception):
    """The user's own claim was deleted (in another tab, say) since the page showed it."""


def _own_claim(request: AnnotatorRequest, article: Article, claim_id: int) -> Claim:
    """One of the user's own claims on this thread; 404 for anyone else's (or none at all)."""
    claim = own_claim_get(annotator=request.user, article=article, claim_id=claim_id)
    if claim is not None:
        claim.article = article
        if claim.comment is not None:
            claim.comment.article = article
        return claim
    if own_claim_was_deleted(annotator=request.user, article=article, claim_id=claim_id):
        raise _ClaimGone
    raise Http404("No such claim among yours.")


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
        action = reverse("annotate:claim-create", args=[article.pk])
    else:
        action = reverse("annotate:claim-update", args=[article.pk, claim.pk])
    return {
        "article": article,
        "form": form,
        "schema": schema,
        "key": key,
        "span": span,
        "where": "the article" if comment is None else f"comment #{comment.position + 1}",
        "claim": claim,
        "action": action,
        "errors": (errors or []) + [str(e) for e in form.non_field_errors()],
        "field_errors": [str(e) for f in form for e in f.errors],
    }


def _editor_response(
    request: AnnotatorRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The claim form: a fragment for htmx (swapped into the editor), else the whole page."""
    if request.htmx:
        response = render(request, f"{PAGE}#editor", context, status=status)
        if status != 200:
            response = reswap(retarget(response, "#editor"), "innerHTML")
        return response
    page = _thread_context(request, context["article"].pk)
    return render(request, PAGE, {**page, **context, "editor_open": True}, status=status)


def _gone_response(request: AnnotatorRequest, article: Article) -> HttpResponse:
    message = (
        "This claim no longer exists: it was deleted, perhaps in another tab. Nothing was changed."
    )
    if request.htmx:
        response = render(request, f"{PAGE}#editor_message", {"message": message}, status=409)
        return reswap(retarget(response, "#editor"), "innerHTML")
    messages.error(request, message)
    return redirect("annotate:thread", article_id=article.pk)


def _saved_response(
    request: AnnotatorRequest,
    assignment: Assignment,
    comment: Comment | None,
    schema: Schema,
    *,
    deleted: Claim | None = None,
) -> HttpResponse:
    """After a save: the text with its claims (and, out of band, a closed editor and progress;
    after a delete, a notice that offers to undo it)."""
    article = assignment.article
    if not request.htmx:
        anchor = "post" if comment is None else f"c{comment.pk}"
        return redirect(reverse("annotate:thread", args=[article.pk]) + f"#{anchor}")
    text = workspace_text(annotator=request.user, article=article, comment=comment, schema=schema)
    labelled, total = assignment_progress(assignment=assignment)
    return render(
        request,
        f"{PAGE}#saved",
        {
            "t": text,
            "article": article,
            "assignment": assignment,
            "labelled": labelled,
            "total": total,
            "deleted": deleted,
        },
    )


def _target_claims_posted(
    request: AnnotatorRequest, article: Article, comment: Comment | None
) -> list[Claim]:
    """The one claim a form names as its target, if it is the user's own on this thread.

    Cheaper than listing every candidate; whether it lies in an ancestor text is the service's
    check. Someone else's claim is simply not a choice, so the form refuses it.
    """
    target = request.POST.get("target", "")
    if not (target.startswith(TARGET_CLAIM) and _is_id(target[1:])):
        return []
    found = own_claim_get(annotator=request.user, article=article, claim_id=int(target[1:]))
    return [] if found is None else [found]


@vary_on_headers("HX-Request")
@require_GET
def claim_new(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """The form for a new claim on the selected span (``text``, ``start``, ``end``, ``quote``)."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    span_form = SpanForm(request.GET)
    if not span_form.is_valid():
        return HttpResponseBadRequest("A selection needs text, start, end and quote.")
    span = span_form.cleaned_data
    comment = _comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    for_article = comment is None
    form = ClaimForm(
        initial={
            **ClaimForm.initial_for(None, schema, for_article),
            "client_token": _new_token(),
        },
        schema=schema,
        for_article=for_article,
        target_claims=claim_target_choices(
            annotator=request.user, article=article, comment=comment
        ),
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


def _new_token() -> str:
    return str(uuid.uuid4())


@require_POST
def claim_create(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """Save a new claim; a double submit (same client token) returns the first one."""
    span_form = SpanForm(request.POST)
    key = span_form.cleaned_data["text"] if span_form.is_valid() else ""
    found = None
    if _is_id(key):  # a comment: read it with the assignment, in one query
        found = assignment_comment_get_for_save(
            annotator=request.user, article_id=article_id, comment_id=int(key)
        )
    comment: Comment | None
    if found is not None:
        assignment, comment = found
    else:  # the article body, or a 404 (unassigned thread, or no such comment), or a 400
        assignment = assignment_get_for_save(annotator=request.user, article_id=article_id)
        if not span_form.is_valid():
            return HttpResponseBadRequest("A claim needs text, start, end and quote.")
        comment = _comment_for_key(assignment.article, key)
    article = assignment.article
    span = span_form.cleaned_data
    schema = schema_get(corpus_id=article.corpus_id)
    for_article = comment is None
    form = ClaimForm(
        request.POST,
        schema=schema,
        for_article=for_article,
        target_claims=_target_claims_posted(request, article, comment),
    )
    errors: list[str] = []
    if form.is_valid():
        try:
            claims.claim_create(
                annotator=request.user,
                article=article,
                comment=comment,
                start=span["start"],
                end=span["end"],
                quote=span["quote"],
                client_token=form.cleaned_data["client_token"],
                assignment=assignment,
                **form.labels(),
            )
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            return _saved_response(request, assignment, comment, schema)
    # Show the form again with every choice, and what went wrong.
    full = ClaimForm(
        schema=schema,
        for_article=for_article,
        target_claims=claim_target_choices(
            annotator=request.user, article=article, comment=comment
        ),
    )
    form.fields["target"].choices = full.fields["target"].choices  # type: ignore[attr-defined]
    form.target_claims = full.target_claims
    context = _editor_context(
        article=article, comment=comment, schema=schema, form=form, span=span, errors=errors
    )
    return _editor_response(request, context, status=422)


def _edit_form(
    request: AnnotatorRequest, article: Article, claim: Claim, schema: Schema, data: Any = None
) -> ClaimForm:
    """The edit form; bound to posted data it offers only the target it names (see
    ``_target_claims_posted``), to show it again it offers every candidate."""
    if data is not None:
        targets = _target_claims_posted(request, article, claim.comment)
    else:
        targets = claim_target_choices(
            annotator=request.user, article=article, comment=claim.comment
        )
    return ClaimForm(
        data,
        initial=ClaimForm.initial_for(claim, schema, claim.comment is None),
        schema=schema,
        for_article=claim.comment is None,
        target_claims=targets,
        claim=claim,
    )


def _claim_span(claim: Claim) -> dict[str, Any]:
    key = ARTICLE_KEY if claim.comment_id is None else str(claim.comment_id)
    return {"text": key, "start": claim.start, "end": claim.end, "quote": claim.quote}


@vary_on_headers("HX-Request")
@require_GET
def claim_edit(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """The form to change or delete one of the user's claims."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    try:
        claim = _own_claim(request, article, claim_id)
    except _ClaimGone:
        return _gone_response(request, article)
    schema = schema_get(corpus_id=article.corpus_id)
    form = _edit_form(request, article, claim, schema)
    context = _editor_context(
        article=article,
        comment=claim.comment,
        schema=schema,
        form=form,
        span=_claim_span(claim),
        claim=claim,
    )
    return _editor_response(request, context)


@require_POST
def claim_update(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Save new labels or a new note on one of the user's claims."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    try:
        claim = _own_claim(request, article, claim_id)
    except _ClaimGone:
        return _gone_response(request, article)
    schema = schema_get(corpus_id=article.corpus_id)
    form = _edit_form(request, article, claim, schema, data=request.POST)
    errors: list[str] = []
    if form.is_valid():
        labels = form.labels()
        try:
            claims.claim_update(claim=claim, actor=request.user, **labels)
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            return _saved_response(request, assignment, claim.comment, schema)
    full = _edit_form(request, article, claim, schema)
    form.fields["target"].choices = full.fields["target"].choices  # type: ignore[attr-defined]
    form.target_claims = full.target_claims
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
def claim_delete(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Delete one of the user's claims (refused while other claims target it)."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    try:
        claim = _own_claim(request, article, claim_id)
    except _ClaimGone:
        return _gone_response(request, article)
    schema = schema_get(corpus_id=article.corpus_id)
    try:
        claims.claim_delete(claim=claim, actor=request.user)
    except ValidationError as error:
        form = _edit_form(request, article, claim, schema)
        context = _editor_context(
            article=article,
            comment=claim.comment,
            schema=schema,
            form=form,
            span=_claim_span(claim),
            claim=claim,
            errors=_messages_of(error),
        )
        return _editor_response(request, context, status=422)
    if not request.htmx:
        messages.success(request, f"Claim #{claim.pk} deleted.")
    return _saved_response(request, assignment, claim.comment, schema, deleted=claim)


@require_POST
def claim_restore(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Undo the deletion of one of the user's claims (the "Undo" in the notice a delete shows):
    the claim comes back with its id, and the text is swapped in with it."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    try:
        claim = claims.claim_restore(actor=request.user, article=article, claim_id=claim_id)
    except ValidationError as error:
        message = " ".join(_messages_of(error))
        if not request.htmx:
            messages.error(request, message)
            return redirect("annotate:thread", article_id=article.pk)
        response = render(request, f"{PAGE}#toast", {"message": message}, status=409)
        return reswap(retarget(response, "#toast"), "outerHTML")
    schema = schema_get(corpus_id=article.corpus_id)
    if claim.comment is not None:
        claim.comment.article = article
    return _saved_response(request, assignment, claim.comment, schema)


@require_POST
def reply_label(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """Set (``label`` = a value id) or clear (``label`` empty) the user's reply label on
    ``comment``. Returns the comment's reply-label control and, out of band, the progress."""
    assignment = _assignment(request, article_id)
    article = assignment.article
    comment_id, label_id = request.POST.get("comment", ""), request.POST.get("label", "")
    if not _is_id(comment_id) or not (label_id == "" or _is_id(label_id)):
        return HttpResponseBadRequest("A reply label needs a comment and a label value.")
    comment = _comment_for_key(article, comment_id)
    assert comment is not None
    error = ""
    current: Any = None
    try:
        if label_id:
            value = label_value_get(pk=int(label_id))
            if value is None:
                return HttpResponseBadRequest("No such label value.")
            current = reply_labels.reply_label_set(
                annotator=request.user, comment=comment, label=value, assignment=assignment
            )
        else:
            reply_labels.reply_label_clear(
                annotator=request.user, comment=comment, assignment=assignment
            )
    except ValidationError as exc:
        error = " ".join(_messages_of(exc))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("annotate:thread", args=[article.pk]) + f"#c{comment.pk}")
    schema = schema_get(corpus_id=article.corpus_id)
    if error:
        current = own_reply_label_get(annotator=request.user, comment=comment)
    labelled, total = assignment_progress(assignment=assignment)
    return render(
        request,
        f"{PAGE}#reply_saved",
        {
            "article": article,
            "assignment": assignment,
            "c": comment,
            "reply_label": current,
            "reply_values": schema.reply_labels,
            "reply_url": reverse("annotate:reply-label", args=[article.pk]),
            "reply_error": error,
            "labelled": labelled,
            "total": total,
        },
        status=422 if error else 200,
    )


@require_POST
def assignment_status(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """Mark the thread done (or reopen it): returns the status panel."""
    assignment = _assignment(request, article_id)
    status = request.POST.get("status", "")
    try:
        assignments.assignment_set_status(assignment=assignment, status=status)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(_messages_of(error)))
    if not request.htmx:
        if status == AssignmentStatus.DONE:
            messages.success(request, f"“{assignment.article.title}” is marked done.")
            return redirect("annotate:home")
        return redirect("annotate:thread", article_id=assignment.article_id)
    labelled, total = assignment_progress(assignment=assignment)
    return render(
        request,
        f"{PAGE}#status",
        {
            "article": assignment.article,
            "assignment": assignment,
            "labelled": labelled,
            "total": total,
        },
    )
