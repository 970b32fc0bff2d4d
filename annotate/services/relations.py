"""Relations: an annotator's typed links between their own claims ("#4 supports #12"), made and
removed one at a time, each checked by the relation rule of ``annotate.rules`` and recorded in
the history in the same transaction.

Deleting a claim removes its relations, both ways (:func:`relations_remove_with`): a relation
means nothing without both its claims, and refusing the deletion (as a stance target does)
would make an annotator undo their argument graph link by link. Each removal is in the history,
and the claim's own deletion event lists them, so undoing the deletion
(:func:`relations_restore`) brings back every one whose other claim is still there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from annotate import rules
from annotate.models import (
    Assignment,
    Claim,
    EventAction,
    LabelKind,
    LabelValue,
    Relation,
)
from annotate.selectors.relations import relation_phrase
from annotate.services.assignments import assignment_touch
from annotate.services.claim_checks import comment_parent_of, labels_writable_check
from annotate.services.corpora import label_value_check
from annotate.services.history import history_record

OBJECT_TYPE = "relation"


class RelationChoice(NamedTuple):
    """A relation chosen in a claim's form: to which claim, and of which type."""

    to_claim_id: int
    type: LabelValue | None


def relation_snapshot(relation: Relation) -> dict[str, Any]:
    """What the history keeps of a relation: ids and the type's name at the time."""
    return {
        "id": relation.pk,
        "from_claim_id": relation.from_claim_id,
        "to_claim_id": relation.to_claim_id,
        "type": relation.type.name,
        "type_id": relation.type_id,
        "article_id": relation.article_id,
        "annotator_id": relation.annotator_id,
        "is_gold": relation.is_gold,
        "source_id": relation.source_id,
        "created_at": relation.created_at.isoformat(),
    }


def relation_record(
    *, actor: AbstractBaseUser, action: str, relation: Relation, before: Any, after: Any
) -> None:
    history_record(
        actor=actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=relation.pk,
        article_id=relation.article_id,
        before=before,
        after=after,
    )


def claims_locked(*ids: int) -> dict[int, Claim]:
    """The claims ``ids`` as they are now, locked against a concurrent change, with their
    articles (the corpus) and comments (whose place in the reply tree the relation rule reads)."""
    return {
        claim.pk: claim
        for claim in Claim.objects.select_for_update(of=("self",))
        .select_related("comment", "article")
        .filter(pk__in=ids)
    }


def relation_rule_check(*, from_claim: Claim, to_claim: Claim) -> None:
    """The relation rule of ``annotate.rules`` for two claims, as a ValidationError on the
    ``relation`` field (the same words for annotators and reviewers)."""
    comment = from_claim.comment

    def parent_of(pk: int) -> int | None:
        # The claim's own comment is in hand; only the levels above it are read.
        if comment is not None and pk == comment.pk:
            return comment.parent_id
        return comment_parent_of(pk)

    def place(claim: Claim) -> rules.ClaimPlace[int]:
        return rules.ClaimPlace(
            claim.annotator_id, claim.is_gold, claim.article_id, claim.comment_id
        )

    try:
        rules.relation_check(
            claim=place(from_claim),
            other=place(to_claim),
            parent_of=parent_of,
            itself=from_claim.pk == to_claim.pk,
        )
    except rules.ClaimRuleError as error:
        raise ValidationError({error.field or "__all__": error.message}) from None


def relation_type_check(*, value: LabelValue | None, corpus_id: int) -> None:
    label_value_check(value=value, corpus_id=corpus_id, kind=LabelKind.RELATION, field="relation")


def relation_insert(
    *,
    actor: AbstractBaseUser,
    from_claim: Claim,
    to_claim: Claim,
    type: LabelValue,
    source_id: int | None = None,
) -> Relation:
    """Insert a checked relation and record it; a repeated one (the unique constraint says so)
    is a clear refusal."""
    relation = Relation(
        from_claim=from_claim,
        to_claim=to_claim,
        type=type,
        article_id=from_claim.article_id,
        annotator_id=actor.pk,
        is_gold=from_claim.is_gold,
        source_id=source_id,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on after a refusal
            relation.save()
    except IntegrityError:
        phrase = relation_phrase(type.name)
        raise ValidationError(
            {"relation": f"Claim #{from_claim.pk} already {phrase} #{to_claim.pk}."}
        ) from None
    relation_record(
        actor=actor,
        action=EventAction.CREATE,
        relation=relation,
        before=None,
        after=relation_snapshot(relation),
    )
    return relation


def _gone(claim_id: int) -> ValidationError:
    return ValidationError(
        f"Claim #{claim_id} no longer exists (it was deleted, perhaps in another tab); "
        "nothing was changed."
    )


@transaction.atomic
def relation_create(
    *,
    annotator: AbstractBaseUser,
    from_claim_id: int,
    to_claim_id: int,
    type: LabelValue | None,
    assignment: Assignment | None = None,
) -> Relation:
    """A relation of ``type`` from one of ``annotator``'s claims to another of theirs, in the same
    text or up the reply chain ("#4 supports #12"). Refused, changing nothing, when a claim is
    gone, is someone else's or gold, the thread is done, the type is not a current relation type
    of the corpus, or the same relation exists."""
    claims = claims_locked(from_claim_id, to_claim_id)
    for claim_id in (from_claim_id, to_claim_id):
        if claim_id not in claims:
            raise _gone(claim_id)
    from_claim, to_claim = claims[from_claim_id], claims[to_claim_id]
    if from_claim.annotator_id != annotator.pk or from_claim.is_gold:
        raise PermissionDenied("You can only relate your own claims.")
    labels_writable_check(
        annotator_id=annotator.pk, article_id=from_claim.article_id, assignment=assignment
    )
    relation = _relate(actor=annotator, from_claim=from_claim, to_claim=to_claim, type=type)
    assignment_touch(annotator=annotator, article_id=from_claim.article_id, assignment=assignment)
    return relation


def relation_add(
    *, actor: AbstractBaseUser, from_claim: Claim, to_claim_id: int, type: LabelValue | None
) -> Relation:
    """For the claim services: a relation from the claim they have just written (its owner,
    the thread's state and the lock are theirs to check), to ``to_claim_id``, in their
    transaction."""
    to_claim = claims_locked(to_claim_id).get(to_claim_id)
    if to_claim is None:
        raise _gone(to_claim_id)
    return _relate(actor=actor, from_claim=from_claim, to_claim=to_claim, type=type)


def _relate(
    *, actor: AbstractBaseUser, from_claim: Claim, to_claim: Claim, type: LabelValue | None
) -> Relation:
    relation_rule_check(from_claim=from_claim, to_claim=to_claim)
    relation_type_check(value=type, corpus_id=from_claim.article.corpus_id)
    assert type is not None  # relation_type_check refuses None
    return relation_insert(actor=actor, from_claim=from_claim, to_claim=to_claim, type=type)


@transaction.atomic
def relation_delete(*, annotator: AbstractBaseUser, relation_id: int) -> Relation:
    """Remove one of ``annotator``'s relations, keeping what it was in the history. Returns it
    (with its id) as it was."""
    relation = (
        Relation.objects.select_for_update(of=("self",))
        .select_related("type")
        .filter(pk=relation_id)
        .first()
    )
    if relation is None:
        raise ValidationError(
            "This relation no longer exists (it was removed, perhaps in another tab); "
            "nothing was changed."
        )
    if relation.annotator_id != annotator.pk or relation.is_gold:
        raise PermissionDenied("You can only remove your own relations.")
    labels_writable_check(annotator_id=annotator.pk, article_id=relation.article_id)
    relation_remove(actor=annotator, relation=relation)
    return relation


def relation_remove(*, actor: AbstractBaseUser, relation: Relation) -> dict[str, Any]:
    """Delete a relation (checked by the caller) and record it; returns what it was."""
    before = relation_snapshot(relation)
    pk = relation.pk
    relation.delete()
    relation.pk = pk
    relation_record(
        actor=actor, action=EventAction.DELETE, relation=relation, before=before, after=None
    )
    return before


def relations_remove_with(*, actor: AbstractBaseUser, claim: Claim) -> list[dict[str, Any]]:
    """Remove every relation from or to ``claim`` (about to be deleted), each recorded in the
    history; returns what they were, for the claim's own deletion event."""
    relations = (
        Relation.objects.select_for_update(of=("self",))
        .select_related("type")
        .filter(Q(from_claim_id=claim.pk) | Q(to_claim_id=claim.pk))
        .order_by("id")
    )
    return [relation_remove(actor=actor, relation=relation) for relation in relations]


def relations_restore(
    *, actor: AbstractBaseUser, claim: Claim, removed: list[dict[str, Any]]
) -> int:
    """Bring back the relations removed with ``claim`` (just restored), with their ids, each
    recorded in the history; returns how many. One whose other claim, or type, is gone since
    stays out (its removal is in the history)."""
    if not removed:
        return 0
    others = {
        r["to_claim_id"] if r["from_claim_id"] == claim.pk else r["from_claim_id"] for r in removed
    }
    present = set(
        Claim.objects.filter(
            pk__in=others,
            article_id=claim.article_id,
            annotator_id=claim.annotator_id,
            is_gold=claim.is_gold,
        ).values_list("pk", flat=True)
    )
    types = LabelValue.objects.in_bulk([r["type_id"] for r in removed])
    restored = 0
    for before in removed:
        other = (
            before["to_claim_id"]
            if before["from_claim_id"] == claim.pk
            else before["from_claim_id"]
        )
        value = types.get(before["type_id"])
        if other not in present or value is None or value.kind != LabelKind.RELATION:
            continue
        relation = Relation(
            pk=before["id"],
            from_claim_id=before["from_claim_id"],
            to_claim_id=before["to_claim_id"],
            type=value,
            article_id=claim.article_id,
            annotator_id=before["annotator_id"],
            is_gold=claim.is_gold,
            source_id=before["source_id"],
            created_at=datetime.fromisoformat(before["created_at"]),
        )
        relation.save(force_insert=True)
        relation_record(
            actor=actor,
            action=EventAction.CREATE,
            relation=relation,
            before=None,
            after=relation_snapshot(relation),
        )
        restored += 1
    return restored
