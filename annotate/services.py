"""Writes of the annotation side: keyword-only services that validate, then write atomically."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotate.models import (
    DEFAULT_SCHEMA,
    AnnotationEvent,
    Assignment,
    AssignmentStatus,
    Claim,
    EventAction,
    LabelKind,
    LabelValue,
    ReplyLabel,
)
from threads.models import Article, Comment, Corpus


@transaction.atomic
def corpus_create(
    *, slug: str, title: str = "", description: str = "", guidelines: str = ""
) -> Corpus:
    """Create a corpus with the default label schema (DESIGN.md "Label schema")."""
    corpus = Corpus(slug=slug, title=title or slug, description=description, guidelines=guidelines)
    corpus.full_clean()
    corpus.save()
    schema_ensure_defaults(corpus=corpus)
    return corpus


@transaction.atomic
def schema_ensure_defaults(*, corpus: Corpus) -> int:
    """Give ``corpus`` every default label value it lacks; return how many were added."""
    existing = set(LabelValue.objects.filter(corpus=corpus).values_list("kind", "name"))
    new = [
        LabelValue(
            corpus=corpus,
            kind=kind,
            name=name,
            description=description,
            key=key,
            colour=colour,
            order=order,
        )
        for order, (kind, name, description, key, colour) in enumerate(DEFAULT_SCHEMA)
        if (kind, name) not in existing
    ]
    LabelValue.objects.bulk_create(new)
    return len(new)


def corpus_get_or_create(*, slug: str, title: str = "") -> tuple[Corpus, bool]:
    """The corpus with ``slug``, created with the default schema if missing."""
    corpus = Corpus.objects.filter(slug=slug).first()
    if corpus is not None:
        return corpus, False
    return corpus_create(slug=slug, title=title), True


# --- Annotation: claims, reply labels, assignment status ---------------------------------------
#
# Every write below validates first (raising ValidationError with a message a person can act on),
# then writes the row and its AnnotationEvent in one transaction. Views, the API and the admin all
# call these; none of them writes a Claim or ReplyLabel directly.


def _text_of(*, article: Article, comment: Comment | None) -> str:
    return article.body if comment is None else comment.text


def _where(comment: Comment | None) -> str:
    return "the article" if comment is None else "this comment"


def _label_check(*, value: LabelValue | None, corpus_id: int, kind: str, field: str) -> None:
    """A label value must be of ``kind``, from the article's corpus, and not retired."""
    if value is None:
        raise ValidationError({field: f"Choose a {LabelKind(kind).label}."})
    if value.kind != kind or value.corpus_id != corpus_id:
        raise ValidationError(
            {field: f"“{value.name}” is not a {LabelKind(kind).label} of this corpus's schema."}
        )
    if value.retired:
        raise ValidationError(
            {field: f"The {LabelKind(kind).label} “{value.name}” is retired; choose another."}
        )


def span_check(*, text: str, start: int, end: int, quote: str, comment: Comment | None) -> None:
    """Offsets are code points of the stored text; the quote must be exactly that slice."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError("Start and end must be whole numbers.")
    if start < 0 or end > len(text):
        raise ValidationError(
            f"The selection [{start}, {end}) is outside {_where(comment)} "
            f"(it has {len(text)} characters). Select the text again."
        )
    if start >= end:
        raise ValidationError("The selection is empty: select at least one character.")
    if text[start:end] != quote:
        raise ValidationError(
            "The selected text does not match the stored text at those positions "
            "(the page may be out of date). Reload the page and select it again."
        )


def _ancestor_comment_ids(comment: Comment) -> set[int]:
    """Ids of the comments up the reply chain of ``comment`` (not itself): one query per level."""
    ids: set[int] = set()
    parent_id = comment.parent_id
    while parent_id is not None:
        ids.add(parent_id)
        parent_id = Comment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).get()
    return ids


def _target_check(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    comment: Comment | None,
    stance_target: LabelValue | None,
    target_claim: Claim | None,
    keep_retired: LabelValue | None = None,
) -> None:
    """Exactly one target: a schema value, or an earlier claim of the same annotator in an
    ancestor text (the article body or a comment up the reply chain) of the same thread."""
    if (stance_target is None) == (target_claim is None):
        raise ValidationError(
            {"stance_target": "Choose one stance target: a target value or an earlier claim."}
        )
    if stance_target is not None:
        if not (keep_retired is not None and stance_target.pk == keep_retired.pk):
            _label_check(
                value=stance_target,
                corpus_id=article.corpus_id,
                kind=LabelKind.STANCE_TARGET,
                field="stance_target",
            )
        elif stance_target.corpus_id != article.corpus_id:
            raise ValidationError({"stance_target": "That target is not in this corpus."})
        if comment is None and stance_target.name == "parent":
            raise ValidationError(
                {"stance_target": "The article replies to nothing: its claims target the thesis."}
            )
        return
    assert target_claim is not None
    if (
        target_claim.annotator_id != annotator.pk
        or target_claim.article_id != article.pk
        or target_claim.is_gold
    ):
        raise ValidationError(
            {"stance_target": "The target claim must be one of your own claims in this thread."}
        )
    if comment is None:
        raise ValidationError(
            {"stance_target": "A claim in the article can only target the thesis."}
        )
    if target_claim.comment_id is not None and target_claim.comment_id not in (
        _ancestor_comment_ids(comment)
    ):
        raise ValidationError(
            {
                "stance_target": "The target claim must be in the article or in a comment "
                "this one replies to (up the reply chain)."
            }
        )


def _claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the history keeps of a claim: ids and the label names at the time."""
    return {
        "id": claim.pk,
        "annotator_id": claim.annotator_id,
        "article_id": claim.article_id,
        "comment_id": claim.comment_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "claim_type": claim.claim_type.name,
        "claim_type_id": claim.claim_type_id,
        "stance": claim.stance.name,
        "stance_id": claim.stance_id,
        "stance_target": claim.stance_target.name if claim.stance_target else None,
        "stance_target_id": claim.stance_target_id,
        "target_claim_id": claim.target_claim_id,
        "note": claim.note,
        "is_gold": claim.is_gold,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


def _reply_label_snapshot(reply_label: ReplyLabel) -> dict[str, Any]:
    return {
        "id": reply_label.pk,
        "annotator_id": reply_label.annotator_id,
        "article_id": reply_label.article_id,
        "comment_id": reply_label.comment_id,
        "label": reply_label.label.name,
        "label_id": reply_label.label_id,
        "is_gold": reply_label.is_gold,
        "created_at": reply_label.created_at.isoformat(),
        "updated_at": reply_label.updated_at.isoformat(),
    }


def _event_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    object_type: str,
    object_id: int,
    article_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    AnnotationEvent.objects.create(
        actor_id=actor.pk,
        action=action,
        object_type=object_type,
        object_id=object_id,
        article_id=article_id,
        before=before,
        after=after,
    )


def _assignment_touch(
    *, annotator: AbstractBaseUser, article_id: int, assignment: Assignment | None = None
) -> None:
    """The first label on a thread moves its assignment from to-do to in progress.

    ``assignment``, when the caller has just read it, spares the update once the thread is past
    to-do (as it is after the first label): the update would match no row.
    """
    if assignment is not None and assignment.status != AssignmentStatus.TODO:
        return
    moved = Assignment.objects.filter(
        annotator_id=annotator.pk, article_id=article_id, status=AssignmentStatus.TODO
    ).update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now())
    if moved and assignment is not None and assignment.annotator_id == annotator.pk:
        # The caller shows this object next (the progress panel): keep it true.
        assignment.status = AssignmentStatus.IN_PROGRESS


def _claim_by_token(*, annotator: AbstractBaseUser, client_token: uuid.UUID) -> Claim | None:
    return (
        Claim.objects.filter(annotator_id=annotator.pk, client_token=client_token)
        .select_related("claim_type", "stance", "stance_target")
        .first()
    )


def claim_create(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    comment: Comment | None,
    start: int,
    end: int,
    quote: str,
    claim_type: LabelValue | None,
    stance: LabelValue | None,
    stance_target: LabelValue | None = None,
    target_claim: Claim | None = None,
    note: str = "",
    client_token: uuid.UUID | None = None,
    assignment: Assignment | None = None,
) -> Claim:
    """Create a claim on ``[start, end)`` (code points) of the article body or ``comment``.

    A second call with the same ``client_token`` (a double-submitted form) returns the claim the
    first one made instead of creating another. ``assignment`` is the annotator's assignment to
    the article if the caller has read it (see ``_assignment_touch``).
    """
    try:
        return _claim_create(
            annotator=annotator,
            article=article,
            comment=comment,
            start=start,
            end=end,
            quote=quote,
            claim_type=claim_type,
            stance=stance,
            stance_target=stance_target,
            target_claim=target_claim,
            note=note,
            client_token=client_token,
            assignment=assignment,
        )
    except IntegrityError:
        # Two identical submissions raced past the token lookup: the unique constraint let one
        # in and rolled this one back (its transaction, or its savepoint when nested).
        found = None
        if client_token is not None:
            found = _claim_by_token(annotator=annotator, client_token=client_token)
        if found is None:
            raise
        return found


@transaction.atomic
def _claim_create(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    comment: Comment | None,
    start: int,
    end: int,
    quote: str,
    claim_type: LabelValue | None,
    stance: LabelValue | None,
    stance_target: LabelValue | None,
    target_claim: Claim | None,
    note: str,
    client_token: uuid.UUID | None,
    assignment: Assignment | None,
) -> Claim:
    # No look-up of client_token first: a repeated token is rare and the unique constraint
    # catches it (claim_create then returns the first claim), which spares every save a query.
    if comment is not None and comment.article_id != article.pk:
        raise ValidationError("That comment is not in this thread.")
    span_check(
        text=_text_of(article=article, comment=comment),
        start=start,
        end=end,
        quote=quote,
        comment=comment,
    )
    corpus_id = article.corpus_id
    _label_check(
        value=claim_type, corpus_id=corpus_id, kind=LabelKind.CLAIM_TYPE, field="claim_type"
    )
    _label_check(value=stance, corpus_id=corpus_id, kind=LabelKind.STANCE, field="stance")
    _target_check(
        annotator=annotator,
        article=article,
        comment=comment,
        stance_target=stance_target,
        target_claim=target_claim,
    )
    now = timezone.now()
    claim = Claim(
        annotator_id=annotator.pk,
        article=article,
        comment=comment,
        start=start,
        end=end,
        quote=quote,
        claim_type=claim_type,
        stance=stance,
        stance_target=stance_target,
        target_claim=target_claim,
        note=note,
        client_token=client_token,
        created_at=now,
        updated_at=now,
    )
    claim.save()
    _event_record(
        actor=annotator,
        action=EventAction.CREATE,
        object_type="claim",
        object_id=claim.pk,
        article_id=article.pk,
        before=None,
        after=_claim_snapshot(claim),
    )
    if assignment is not None and (
        assignment.annotator_id != annotator.pk or assignment.article_id != article.pk
    ):
        assignment = None  # not this annotator's assignment to this article: ask the database
    _assignment_touch(annotator=annotator, article_id=article.pk, assignment=assignment)
    return claim


_UNSET: Any = object()


def _claim_for_write(*, claim: Claim, actor: AbstractBaseUser) -> Claim:
    """The claim as it is now in the database, locked, or a clear error if it is gone."""
    current = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("article", "comment", "claim_type", "stance", "stance_target")
        .filter(pk=claim.pk)
        .first()
    )
    if current is None:
        raise ValidationError(
            "This claim no longer exists (it was deleted, perhaps in another tab); "
            "nothing was changed."
        )
    if current.annotator_id != actor.pk and not getattr(actor, "is_staff", False):
        raise PermissionDenied("You can only change your own claims.")
    return current


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    actor: AbstractBaseUser,
    start: int = _UNSET,
    end: int = _UNSET,
    quote: str = _UNSET,
    claim_type: LabelValue = _UNSET,
    stance: LabelValue = _UNSET,
    stance_target: LabelValue | None = _UNSET,
    target_claim: Claim | None = _UNSET,
    note: str = _UNSET,
) -> Claim:
    """Change a claim's span, labels or note; arguments left out keep their value.

    Giving ``stance_target`` or ``target_claim`` replaces the target (the other one is cleared).
    A retired label value the claim already carries may stay; a new value must be current.
    """
    current = _claim_for_write(claim=claim, actor=actor)
    before = _claim_snapshot(current)
    article = current.article
    if start is not _UNSET or end is not _UNSET or quote is not _UNSET:
        new_start = current.start if start is _UNSET else start
        new_end = current.end if end is _UNSET else end
        new_quote = current.quote if quote is _UNSET else quote
        span_check(
            text=_text_of(article=article, comment=current.comment),
            start=new_start,
            end=new_end,
            quote=new_quote,
            comment=current.comment,
        )
        current.start, current.end, current.quote = new_start, new_end, new_quote
    if claim_type is not _UNSET and claim_type != current.claim_type:
        _label_check(
            value=claim_type,
            corpus_id=article.corpus_id,
            kind=LabelKind.CLAIM_TYPE,
            field="claim_type",
        )
        current.claim_type = claim_type
    if stance is not _UNSET and stance != current.stance:
        _label_check(
            value=stance, corpus_id=article.corpus_id, kind=LabelKind.STANCE, field="stance"
        )
        current.stance = stance
    if stance_target is not _UNSET or target_claim is not _UNSET:
        new_target = None if stance_target is _UNSET else stance_target
        new_claim = None if target_claim is _UNSET else target_claim
        _target_check(
            annotator=current.annotator,
            article=article,
            comment=current.comment,
            stance_target=new_target,
            target_claim=new_claim,
            keep_retired=current.stance_target,
        )
        current.stance_target, current.target_claim = new_target, new_claim
    if note is not _UNSET:
        current.note = note
    current.updated_at = timezone.now()
    current.save()
    _event_record(
        actor=actor,
        action=EventAction.UPDATE,
        object_type="claim",
        object_id=current.pk,
        article_id=article.pk,
        before=before,
        after=_claim_snapshot(current),
    )
    _assignment_touch(annotator=current.annotator, article_id=article.pk)
    return current


@transaction.atomic
def claim_delete(*, claim: Claim, actor: AbstractBaseUser) -> None:
    """Delete a claim, keeping what it was in the history. A claim other claims target stays."""
    current = _claim_for_write(claim=claim, actor=actor)
    attackers = Claim.objects.filter(target_claim_id=current.pk).count()
    if attackers:
        raise ValidationError(
            f"{attackers} other claim{'s' if attackers != 1 else ''} target"
            f"{'s' if attackers == 1 else ''} this claim; change or delete "
            f"{'it' if attackers == 1 else 'them'} first."
        )
    before = _claim_snapshot(current)
    pk, article_id = current.pk, current.article_id
    current.delete()
    _event_record(
        actor=actor,
        action=EventAction.DELETE,
        object_type="claim",
        object_id=pk,
        article_id=article_id,
        before=before,
        after=None,
    )


@transaction.atomic
def reply_label_set(
    *, annotator: AbstractBaseUser, comment: Comment, label: LabelValue | None
) -> ReplyLabel:
    """Set the annotator's one reply label on ``comment`` (creating or replacing it)."""
    corpus_id = comment.article.corpus_id  # no query when the caller loaded it (the views do)
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label")
        .filter(annotator_id=annotator.pk, comment=comment, is_gold=False)
        .first()
    )
    if existing is not None and label is not None and existing.label_id == label.pk:
        return existing
    _label_check(value=label, corpus_id=corpus_id, kind=LabelKind.REPLY_LABEL, field="label")
    assert label is not None
    now = timezone.now()
    if existing is None:
        reply_label = ReplyLabel.objects.create(
            annotator_id=annotator.pk,
            article_id=comment.article_id,
            comment=comment,
            label=label,
            created_at=now,
            updated_at=now,
        )
        before = None
        action = EventAction.CREATE
    else:
        before = _reply_label_snapshot(existing)
        existing.label = label
        existing.updated_at = now
        existing.save(update_fields=["label", "updated_at"])
        reply_label = existing
        action = EventAction.UPDATE
    _event_record(
        actor=annotator,
        action=action,
        object_type="reply_label",
        object_id=reply_label.pk,
        article_id=comment.article_id,
        before=before,
        after=_reply_label_snapshot(reply_label),
    )
    _assignment_touch(annotator=annotator, article_id=comment.article_id)
    return reply_label


@transaction.atomic
def reply_label_clear(*, annotator: AbstractBaseUser, comment: Comment) -> bool:
    """Remove the annotator's reply label on ``comment``; return whether there was one."""
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label")
        .filter(annotator_id=annotator.pk, comment=comment, is_gold=False)
        .first()
    )
    if existing is None:
        return False
    before = _reply_label_snapshot(existing)
    pk = existing.pk
    existing.delete()
    _event_record(
        actor=annotator,
        action=EventAction.DELETE,
        object_type="reply_label",
        object_id=pk,
        article_id=comment.article_id,
        before=before,
        after=None,
    )
    return True


@transaction.atomic
def assignment_set_status(*, assignment: Assignment, status: str) -> Assignment:
    """Set an assignment's status (``todo``, ``in_progress`` or ``done``)."""
    if status not in AssignmentStatus.values:
        raise ValidationError(
            {
                "status": f"“{status}” is not a status; "
                f"use one of {', '.join(AssignmentStatus.values)}."
            }
        )
    if assignment.status != status:
        assignment.status = status
        assignment.save(update_fields=["status", "updated_at"])
    return assignment


# --- Admin: bulk assignment and label values in use (appended by the admin work) ---


@transaction.atomic
def assignment_bulk_create(*, articles: Iterable[Article], annotators: Iterable[Any]) -> int:
    """Assign every article to every annotator, skipping pairs already assigned.

    Returns how many were created: one query for the pairs that exist, one insert.
    """
    article_ids = {a.pk for a in articles}
    annotator_ids = {u.pk for u in annotators}
    existing = set(
        Assignment.objects.filter(
            article_id__in=article_ids, annotator_id__in=annotator_ids
        ).values_list("annotator_id", "article_id")
    )
    new = [
        Assignment(annotator_id=user_id, article_id=article_id)
        for user_id in sorted(annotator_ids)
        for article_id in sorted(article_ids)
        if (user_id, article_id) not in existing
    ]
    # A concurrent admin may have assigned the same pair meanwhile: skip it too.
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def label_values_in_use(*, ids: Iterable[int]) -> set[int]:
    """Those of the label values ``ids`` that some claim or reply label carries."""
    ids = list(ids)
    used: set[int] = set()
    for field in ("claim_type", "stance", "stance_target"):
        used.update(
            Claim.objects.filter(**{f"{field}_id__in": ids})
            .values_list(f"{field}_id", flat=True)
            .distinct()  # a value, not each of the claims that carry it
        )
    used.update(
        ReplyLabel.objects.filter(label_id__in=ids).values_list("label_id", flat=True).distinct()
    )
    return used


@transaction.atomic
def label_value_delete(*, value: LabelValue) -> None:
    """Delete a label value no label carries; one in use can only be retired."""
    if label_values_in_use(ids=[value.pk]):
        raise ValidationError(
            f"“{value.name}” ({value.get_kind_display()}) is used by existing labels: "
            "it cannot be deleted, only retired."
        )
    value.delete()
