"""The annotator's workspace: the dashboard, the thread page and the htmx endpoints that label it.

Every view finds the thread through ``get_thread_for_annotator`` (404 unless it is assigned to
the signed-in user) and every claim through the user's own claims on that thread, so another
annotator's labels can be neither seen nor changed (blind annotation). Writes go through the
services in ``annotate.services``; a rule they refuse comes back as a message in the page
(422, swapped into the editor by htmx), a crafted request as a 4xx that changes nothing.
"""

from __future__ import annotations

import json
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
from django_htmx.middleware import HtmxDetails

from annotate.access import corpus_roles_for, get_thread_for_annotator
from annotate.models import Assignment, AssignmentStatus, Toward
from annotate.selectors.assignments import (
    assignment_list,
    assignment_next,
    assignment_progress,
)
from annotate.selectors.progress import corpus_list_with_counts
from annotate.selectors.schema import label_value_get, reply_directions_get, schema_get
from annotate.selectors.workspace import (
    ARTICLE_KEY,
    comment_page_get,
    own_reply_label_get,
    thread_comment_get,
    workspace_get,
)
from annotate.services import assignments, reply_labels
from annotate.workspace.colours import strong_colour
from threads.models import Article, Comment

PAGE = "annotate/thread.html"


class AnnotatorRequest(HttpRequest):
    """What the middleware gives these views: htmx details, and (LoginRequiredMiddleware) a
    signed-in user."""

    htmx: HtmxDetails
    user: User


def messages_of(error: ValidationError) -> list[str]:
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


def _from_param(request: AnnotatorRequest) -> int:
    """The ``from`` query parameter: the position of the first comment to show (0: the top)."""
    value = request.GET.get("from", "0")
    if not is_id(value):
        raise Http404("No such place in this thread.")
    return int(value)


def thread_context(request: AnnotatorRequest, article_id: int, start: int = 0) -> dict[str, Any]:
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
        "directions": reply_directions_get(corpus=workspace.article.corpus),
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
    context = thread_context(request, article_id, _from_param(request))
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
            "directions": reply_directions_get(corpus=assignment.article.corpus),
            "reply_url": reverse("annotate:reply-label", args=[article_id]),
        },
    )


def assignment_for(request: AnnotatorRequest, article_id: int) -> Assignment:
    return get_thread_for_annotator(request.user, article_id)


def is_id(value: str) -> bool:
    """Whether a posted value can be a database id: ASCII digits that fit a 64-bit integer.

    ``str.isdigit`` alone accepts "²" and other digits ``int`` refuses, and a long run
    of digits overflows PostgreSQL's bigint: either would be a 500, not a 400/404.
    """
    return value.isascii() and value.isdigit() and len(value) <= 18


def comment_for_key(article: Article, key: str) -> Comment | None:
    """The text a key names: the article body (``a``) or one of the article's comments, or 404."""
    if key == ARTICLE_KEY:
        return None
    if not is_id(key):
        raise Http404("No such text in this thread.")
    comment = thread_comment_get(article=article, comment_id=int(key))
    if comment is None:
        raise Http404("No such comment in this thread.")
    return comment


@require_POST
def reply_label(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """Set (``label`` = a value id) or clear (``label`` empty) the user's reply label on
    ``comment`` toward ``toward`` (``parent``, the default, or ``root``). Returns that
    reply-label control and, out of band, the progress."""
    assignment = assignment_for(request, article_id)
    article = assignment.article
    comment_id, label_id = request.POST.get("comment", ""), request.POST.get("label", "")
    toward = request.POST.get("toward", Toward.PARENT)
    if not is_id(comment_id) or not (label_id == "" or is_id(label_id)):
        return HttpResponseBadRequest("A reply label needs a comment and a label value.")
    if toward not in Toward.values:
        return HttpResponseBadRequest("A reply label is toward “parent” or “root”.")
    comment = comment_for_key(article, comment_id)
    assert comment is not None
    error = ""
    current: Any = None
    try:
        if label_id:
            value = label_value_get(pk=int(label_id))
            if value is None:
                return HttpResponseBadRequest("No such label value.")
            current = reply_labels.reply_label_set(
                annotator=request.user,
                comment=comment,
                label=value,
                toward=toward,
                assignment=assignment,
            )
        else:
            reply_labels.reply_label_clear(
                annotator=request.user, comment=comment, toward=toward, assignment=assignment
            )
    except ValidationError as exc:
        error = " ".join(messages_of(exc))
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("annotate:thread", args=[article.pk]) + f"#c{comment.pk}")
    schema = schema_get(corpus_id=article.corpus_id)
    if error:
        current = own_reply_label_get(annotator=request.user, comment=comment, toward=toward)
    labelled, total = assignment_progress(assignment=assignment)
    return render(
        request,
        f"{PAGE}#reply_saved",
        {
            "article": article,
            "assignment": assignment,
            "c": comment,
            "reply_label": current,
            "toward": toward,
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
    assignment = assignment_for(request, article_id)
    status = request.POST.get("status", "")
    try:
        assignments.assignment_set_status(assignment=assignment, status=status)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(messages_of(error)))
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
