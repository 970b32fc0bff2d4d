"""The claim editor on the thread page: the form for a new or existing claim (with its
relations, and a new one to add), and saving, changing, deleting and restoring a claim and
removing a relation, each answered with the fragments htmx swaps in."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from annotate.models import Assignment, Claim
from annotate.selectors.assignments import (
    assignment_comment_get_for_save,
    assignment_get_for_save,
    assignment_progress,
)
from annotate.selectors.relations import claim_relations
from annotate.selectors.schema import Schema, schema_get
from annotate.selectors.workspace import (
    ARTICLE_KEY,
    claim_target_choices,
    own_claim_get,
    own_claim_was_deleted,
    own_relation_get,
    own_relation_was_removed,
    workspace_text,
)
from annotate.services import claims, relations
from annotate.services.claim_checks import span_problems
from annotate.workspace.forms import (
    TARGET_CLAIM,
    ClaimChoices,
    ClaimForm,
    SpanForm,
    split_choices,
)
from annotate.workspace.views import (
    PAGE,
    AnnotatorRequest,
    assignment_for,
    comment_for_key,
    is_id,
    messages_of,
    thread_context,
)
from threads.models import Article, Comment


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
        "relations": [
            (r, reverse("annotate:relation-delete", args=[article.pk, r.pk]))
            for r in (claim_relations(claim_id=claim.pk, schema=schema) if claim else [])
        ],
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
    page = thread_context(request, context["article"].pk)
    return render(request, PAGE, {**page, **context, "editor_open": True}, status=status)


def _gone_response(request: AnnotatorRequest, article: Article, message: str = "") -> HttpResponse:
    message = message or (
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


def _own_posted(request: AnnotatorRequest, article: Article, value: str) -> list[Claim]:
    """The one claim a form names (as its target, or for a relation), if it is the user's own
    on this thread.

    Cheaper than listing every candidate; whether it lies in an ancestor text is the service's
    check. Someone else's claim is simply not a choice, so the form refuses it.
    """
    if not is_id(value):
        return []
    found = own_claim_get(annotator=request.user, article=article, claim_id=int(value))
    return [] if found is None else [found]


def _posted_choices(request: AnnotatorRequest, article: Article) -> ClaimChoices:
    """The claims a posted form names: its target claim and the other end of its relation."""
    target = request.POST.get("target", "")
    return {
        "target_claims": _own_posted(request, article, target[1:])
        if target.startswith(TARGET_CLAIM)
        else [],
        "relation_claims": _own_posted(request, article, request.POST.get("relation_to", "")),
    }


def _all_choices(
    request: AnnotatorRequest, article: Article, comment: Comment | None
) -> ClaimChoices:
    """Every claim the form for a claim in ``comment`` offers, as targets and for relations:
    the user's own in the same text and up the reply chain (one query)."""
    choices = claim_target_choices(
        annotator=request.user, article=article, comment=comment, same_text=True
    )
    return split_choices(choices, comment)


@vary_on_headers("HX-Request")
@require_GET
def claim_new(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """The form for a new claim on the selected span (``text``, ``start``, ``end``, ``quote``)."""
    assignment = assignment_for(request, article_id)
    article = assignment.article
    span_form = SpanForm(request.GET)
    if not span_form.is_valid():
        return HttpResponseBadRequest("A selection needs text, start, end and quote.")
    span = span_form.cleaned_data
    comment = comment_for_key(article, span["text"])
    schema = schema_get(corpus_id=article.corpus_id)
    for_article = comment is None
    form = ClaimForm(
        initial={
            **ClaimForm.initial_for(None, schema, for_article),
            "client_token": _new_token(),
        },
        schema=schema,
        for_article=for_article,
        **_all_choices(request, article, comment),
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


def _new_token() -> str:
    return str(uuid.uuid4())


@require_POST
def claim_create(request: AnnotatorRequest, article_id: int) -> HttpResponse:
    """Save a new claim; a double submit (same client token) returns the first one."""
    span_form = SpanForm(request.POST)
    key = span_form.cleaned_data["text"] if span_form.is_valid() else ""
    found = None
    if is_id(key):  # a comment: read it with the assignment, in one query
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
        comment = comment_for_key(assignment.article, key)
    article = assignment.article
    span = span_form.cleaned_data
    schema = schema_get(corpus_id=article.corpus_id)
    for_article = comment is None
    form = ClaimForm(
        request.POST, schema=schema, for_article=for_article, **_posted_choices(request, article)
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
            errors = messages_of(error)
        else:
            return _saved_response(request, assignment, comment, schema)
    # Show the form again with every choice, and what went wrong.
    form.offer(**_all_choices(request, article, comment))
    context = _editor_context(
        article=article, comment=comment, schema=schema, form=form, span=span, errors=errors
    )
    return _editor_response(request, context, status=422)


def _edit_form(
    request: AnnotatorRequest, article: Article, claim: Claim, schema: Schema, data: Any = None
) -> ClaimForm:
    """The edit form; bound to posted data it offers only the claims it names (see
    ``_own_posted``), to show it again it offers every candidate."""
    if data is not None:
        choices = _posted_choices(request, article)
    else:
        choices = _all_choices(request, article, claim.comment)
    return ClaimForm(
        data,
        initial=ClaimForm.initial_for(claim, schema, claim.comment is None),
        schema=schema,
        for_article=claim.comment is None,
        claim=claim,
        **choices,
    )


def _claim_span(claim: Claim) -> dict[str, Any]:
    key = ARTICLE_KEY if claim.comment_id is None else str(claim.comment_id)
    return {"text": key, "start": claim.start, "end": claim.end, "quote": claim.quote}


@vary_on_headers("HX-Request")
@require_GET
def claim_edit(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """The form to change or delete one of the user's claims."""
    assignment = assignment_for(request, article_id)
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
    assignment = assignment_for(request, article_id)
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
            errors = messages_of(error)
        else:
            return _saved_response(request, assignment, claim.comment, schema)
    form.offer(**_all_choices(request, article, claim.comment))
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
    assignment = assignment_for(request, article_id)
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
            errors=messages_of(error),
        )
        return _editor_response(request, context, status=422)
    if not request.htmx:
        messages.success(request, f"Claim #{claim.pk} deleted.")
    return _saved_response(request, assignment, claim.comment, schema, deleted=claim)


@require_POST
def claim_restore(request: AnnotatorRequest, article_id: int, claim_id: int) -> HttpResponse:
    """Undo the deletion of one of the user's claims (the "Undo" in the notice a delete shows):
    the claim comes back with its id, and the text is swapped in with it."""
    assignment = assignment_for(request, article_id)
    article = assignment.article
    try:
        claim = claims.claim_restore(actor=request.user, article=article, claim_id=claim_id)
    except ValidationError as error:
        message = " ".join(messages_of(error))
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
def relation_delete(request: AnnotatorRequest, article_id: int, relation_id: int) -> HttpResponse:
    """Remove one of the user's relations (the form of either of its claims offers it): the text
    of the claim it started from is swapped in without it. Anyone else's relation is a 404."""
    assignment = assignment_for(request, article_id)
    article = assignment.article
    relation = own_relation_get(annotator=request.user, article=article, relation_id=relation_id)
    if relation is None:
        if own_relation_was_removed(
            annotator=request.user, article=article, relation_id=relation_id
        ):
            return _gone_response(
                request, article, "This relation was removed already; nothing was changed."
            )
        raise Http404("No such relation among yours.")
    try:
        relations.relation_delete(annotator=request.user, relation_id=relation.pk)
    except ValidationError as error:
        return _gone_response(request, article, " ".join(messages_of(error)))
    comment = relation.from_claim.comment
    if comment is not None:
        comment.article = article
    schema = schema_get(corpus_id=article.corpus_id)
    response = _saved_response(request, assignment, comment, schema)
    if request.htmx:  # the form may be the other claim's, in another text
        key = ARTICLE_KEY if comment is None else str(comment.pk)
        response = retarget(response, f"#tb-{key}")
    return response
