"""Claims: create, edit and delete an annotator's (or a reviewer's gold) claim, each checked by the
claim rules (``annotate.rules``) and recorded in the history in the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotate.models import (
    AnnotationEvent,
    Assignment,
    Claim,
    EventAction,
    LabelKind,
    LabelValue,
)
from annotate.services.agreement import agreement_forget
from annotate.services.assignments import assignment_touch
from annotate.services.claim_checks import (
    labels_writable_check,
    note_check,
    span_check,
    target_check,
    text_of,
)
from annotate.services.corpora import label_value_check
from annotate.services.history import history_record
from annotate.services.relations import (
    RelationChoice,
    relation_add,
    relations_remove_with,
    relations_restore,
)
from threads.models import Article, Comment

UNDO_SECONDS = 120


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
        "attributes": claim.attributes,
        "is_gold": claim.is_gold,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


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
    relation: RelationChoice | None = None,
) -> Claim:
    """Create a claim on ``[start, end)`` (code points) of the article body or ``comment``.

    A second call with the same ``client_token`` (a double-submitted form) returns the claim the
    first one made instead of creating another. ``assignment`` is the annotator's assignment to
    the article if the caller has read it (see ``assignment_touch``). ``relation``, chosen in the
    same form, relates the new claim to another (``relations.relation_create``), all or nothing.
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
            relation=relation,
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
    relation: RelationChoice | None,
) -> Claim:
    # No look-up of client_token first: a repeated token is rare and the unique constraint
    # catches it (claim_create then returns the first claim), which spares every save a query.
    if comment is not None and comment.article_id != article.pk:
        raise ValidationError("That comment is not in this thread.")
    labels_writable_check(annotator_id=annotator.pk, article_id=article.pk, assignment=assignment)
    note_check(note=note)
    span_check(
        text=text_of(article=article, comment=comment),
        start=start,
        end=end,
        quote=quote,
        comment=comment,
    )
    corpus_id = article.corpus_id
    label_value_check(
        value=claim_type, corpus_id=corpus_id, kind=LabelKind.CLAIM_TYPE, field="claim_type"
    )
    label_value_check(value=stance, corpus_id=corpus_id, kind=LabelKind.STANCE, field="stance")
    target_check(
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
        corpus_id=corpus_id,
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
    history_record(
        actor=annotator,
        action=EventAction.CREATE,
        object_type="claim",
        object_id=claim.pk,
        article_id=article.pk,
        before=None,
        after=_claim_snapshot(claim),
    )
    if not claim.is_gold:
        agreement_forget(article_id=article.pk)
    if assignment is not None and (
        assignment.annotator_id != annotator.pk or assignment.article_id != article.pk
    ):
        assignment = None  # not this annotator's assignment to this article: ask the database
    assignment_touch(annotator=annotator, article_id=article.pk, assignment=assignment)
    if relation is not None:
        relation_add(
            actor=annotator, from_claim=claim, to_claim_id=relation.to_claim_id, type=relation.type
        )
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
    if not current.is_gold:
        labels_writable_check(annotator_id=current.annotator_id, article_id=current.article_id)
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
    relation: RelationChoice | None = None,
) -> Claim:
    """Change a claim's span, labels or note; arguments left out keep their value.

    Giving ``stance_target`` or ``target_claim`` replaces the target (the other one is cleared).
    A retired label value the claim already carries may stay; a new value must be current.
    ``relation`` adds a relation to another claim, in the same transaction.
    """
    current = _claim_for_write(claim=claim, actor=actor)
    before = _claim_snapshot(current)
    article = current.article
    if start is not _UNSET or end is not _UNSET or quote is not _UNSET:
        new_start = current.start if start is _UNSET else start
        new_end = current.end if end is _UNSET else end
        new_quote = current.quote if quote is _UNSET else quote
        span_check(
            text=text_of(article=article, comment=current.comment),
            start=new_start,
            end=new_end,
            quote=new_quote,
            comment=current.comment,
        )
        current.start, current.end, current.quote = new_start, new_end, new_quote
    if claim_type is not _UNSET and claim_type != current.claim_type:
        label_value_check(
            value=claim_type,
            corpus_id=article.corpus_id,
            kind=LabelKind.CLAIM_TYPE,
            field="claim_type",
        )
        current.claim_type = claim_type
    if stance is not _UNSET and stance != current.stance:
        label_value_check(
            value=stance, corpus_id=article.corpus_id, kind=LabelKind.STANCE, field="stance"
        )
        current.stance = stance
    if stance_target is not _UNSET or target_claim is not _UNSET:
        new_target = None if stance_target is _UNSET else stance_target
        new_claim = None if target_claim is _UNSET else target_claim
        target_check(
            annotator=current.annotator,
            article=article,
            comment=current.comment,
            stance_target=new_target,
            target_claim=new_claim,
            keep_retired=current.stance_target,
        )
        current.stance_target, current.target_claim = new_target, new_claim
    if note is not _UNSET:
        note_check(note=note)
        current.note = note
    current.updated_at = timezone.now()
    current.save()
    history_record(
        actor=actor,
        action=EventAction.UPDATE,
        object_type="claim",
        object_id=current.pk,
        article_id=article.pk,
        before=before,
        after=_claim_snapshot(current),
    )
    if not current.is_gold:
        agreement_forget(article_id=article.pk)
    assignment_touch(annotator=current.annotator, article_id=article.pk)
    if relation is not None:
        relation_add(
            actor=actor, from_claim=current, to_claim_id=relation.to_claim_id, type=relation.type
        )
    return current


@transaction.atomic
def claim_delete(*, claim: Claim, actor: AbstractBaseUser) -> None:
    """Delete a claim, keeping what it was in the history. A claim other claims target stays;
    its relations (both ways) go with it, each recorded, and listed in the claim's deletion
    event so that :func:`claim_restore` brings them back."""
    current = _claim_for_write(claim=claim, actor=actor)
    attackers = Claim.objects.filter(target_claim_id=current.pk).count()
    if attackers:
        raise ValidationError(
            f"{attackers} other claim{'s' if attackers != 1 else ''} target"
            f"{'s' if attackers == 1 else ''} this claim; change or delete "
            f"{'it' if attackers == 1 else 'them'} first."
        )
    before = _claim_snapshot(current)
    before["relations"] = relations_remove_with(actor=actor, claim=current)
    pk, article_id = current.pk, current.article_id
    current.delete()
    history_record(
        actor=actor,
        action=EventAction.DELETE,
        object_type="claim",
        object_id=pk,
        article_id=article_id,
        before=before,
        after=None,
    )
    if not current.is_gold:
        agreement_forget(article_id=article_id)


@transaction.atomic
def claim_restore(*, actor: AbstractBaseUser, article: Article, claim_id: int) -> Claim:
    """Undo the deletion of one of ``actor``'s own claims, within ``UNDO_SECONDS``.

    The claim comes back as it was, with the same id, from what the history kept of it, and the
    restore is recorded (a create). Refused with a message, changing nothing, when there is no
    such recent deletion, when the claim is back already, or when what it stood on has changed
    since (its text, a label value, the claim it targeted). The relations removed with it come
    back too, but for one whose other claim has been deleted since.
    """
    since = timezone.now() - timedelta(seconds=UNDO_SECONDS)
    event = (
        AnnotationEvent.objects.filter(
            object_type="claim",
            object_id=claim_id,
            action=EventAction.DELETE,
            actor_id=actor.pk,
            article_id=article.pk,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None or event.before is None or event.before.get("is_gold"):
        raise ValidationError("There is no deleted claim of yours to restore here.")
    if event.created_at < since:
        raise ValidationError(
            f"That claim was deleted more than {UNDO_SECONDS // 60} minutes ago; "
            "mark it again instead."
        )
    if Claim.objects.filter(pk=claim_id).exists():
        raise ValidationError("That claim is already back.")
    before = event.before
    labels_writable_check(annotator_id=actor.pk, article_id=article.pk)
    comment = None
    if before["comment_id"] is not None:
        comment = Comment.objects.filter(pk=before["comment_id"], article_id=article.pk).first()
        if comment is None:
            raise ValidationError("The comment that claim was on is gone; nothing was restored.")
    span_check(
        text=text_of(article=article, comment=comment),
        start=before["start"],
        end=before["end"],
        quote=before["quote"],
        comment=comment,
    )
    value_ids = [before["claim_type_id"], before["stance_id"], before["stance_target_id"]]
    values = LabelValue.objects.in_bulk([v for v in value_ids if v is not None])
    if any(
        v is not None and (v not in values or values[v].corpus_id != article.corpus_id)
        for v in value_ids
    ):
        raise ValidationError("A label that claim carried is gone; nothing was restored.")
    target_claim = None
    if before["target_claim_id"] is not None:
        target_claim = Claim.objects.filter(
            pk=before["target_claim_id"], annotator_id=actor.pk, is_gold=False
        ).first()
        if target_claim is None:
            raise ValidationError(
                "The claim it answered has been deleted since; nothing was restored."
            )
    claim = Claim(
        pk=claim_id,
        annotator_id=actor.pk,
        article=article,
        corpus_id=article.corpus_id,
        comment=comment,
        start=before["start"],
        end=before["end"],
        quote=before["quote"],
        claim_type=values[before["claim_type_id"]],
        stance=values[before["stance_id"]],
        stance_target=values.get(before["stance_target_id"]),
        target_claim=target_claim,
        note=before["note"],
        attributes=before.get("attributes", {}),
        created_at=datetime.fromisoformat(before["created_at"]),
        updated_at=timezone.now(),
    )
    claim.save(force_insert=True)
    history_record(
        actor=actor,
        action=EventAction.CREATE,
        object_type="claim",
        object_id=claim.pk,
        article_id=article.pk,
        before=None,
        after=_claim_snapshot(claim),
    )
    relations_restore(actor=actor, claim=claim, removed=before.get("relations", []))
    agreement_forget(article_id=article.pk)
    return claim
