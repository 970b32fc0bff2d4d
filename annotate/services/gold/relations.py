"""Gold relations: between gold claims, brought along when claims are accepted, or drawn and
removed by the reviewer (the rules are in ``annotate.services.gold``).

Accepting an annotator's claim brings that annotator's relations between it and claims whose
spans are already in gold: each end is the gold claim on the annotator's claim's span (its text,
offsets and claim type), the gold relation's ``source`` is the annotator and its ``annotator``
the reviewer (``settled_by``). One whose other end is not in gold yet comes when that claim is
accepted, from either side. A reviewer may also draw a relation between two gold claims, or
remove one, from the gold claim's form.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from annotate.models import Claim, EventAction, LabelValue, Relation
from annotate.services.gold.common import (
    GoldConflict,
    _last_event,
    _review_touch,
    _reviewer_check,
    _when,
)
from annotate.services.relations import (
    OBJECT_TYPE,
    claims_locked,
    relation_insert,
    relation_remove,
    relation_rule_check,
    relation_type_check,
)
from threads.models import Article


def _span(claim: Claim) -> tuple[Any, ...]:
    return (claim.comment_id, claim.start, claim.end, claim.claim_type_id)


def gold_relations_bring(*, reviewer: AbstractBaseUser, source: Claim, gold: Claim) -> int:
    """Copy into gold the relations of ``source`` (an annotator's claim just accepted as
    ``gold``) whose other end is in gold too; returns how many. One query when the claim has no
    relation, two when no other end is in gold, three and an insert a relation brought."""
    relations = list(
        Relation.objects.filter(Q(from_claim_id=source.pk) | Q(to_claim_id=source.pk))
        .filter(is_gold=False)
        .select_related("from_claim", "to_claim", "type")
        .order_by("id")
    )
    if not relations:
        return 0
    others = [r.to_claim if r.from_claim_id == source.pk else r.from_claim for r in relations]
    texts = {c.comment_id for c in others}
    in_texts = Q(comment_id__in=[t for t in texts if t is not None])
    if None in texts:
        in_texts |= Q(comment__isnull=True)
    in_gold: dict[tuple[Any, ...], Claim] = {}
    gold_claims = Claim.objects.filter(in_texts, article_id=gold.article_id, is_gold=True)
    for claim in gold_claims.order_by("-id"):  # the first one made wins, as for targets
        in_gold[_span(claim)] = claim
    pairs = []  # (the annotator's relation, the gold claims it joins, from and to)
    for relation, other in zip(relations, others, strict=True):
        gold_other = in_gold.get(_span(other))
        if gold_other is not None and gold_other.pk != gold.pk:
            ends = (gold, gold_other) if relation.from_claim_id == source.pk else (gold_other, gold)
            pairs.append((relation, ends))
    if not pairs:
        return 0
    existing = defaultdict(set)
    for from_id, to_id, type_id in Relation.objects.filter(
        Q(from_claim_id=gold.pk) | Q(to_claim_id=gold.pk)
    ).values_list("from_claim_id", "to_claim_id", "type_id"):
        existing[(from_id, to_id)].add(type_id)
    brought = 0
    for relation, (from_claim, to_claim) in pairs:
        if relation.type_id in existing[(from_claim.pk, to_claim.pk)]:
            continue
        relation_insert(
            actor=reviewer,
            from_claim=from_claim,
            to_claim=to_claim,
            type=relation.type,
            source_id=relation.annotator_id,
        )
        existing[(from_claim.pk, to_claim.pk)].add(relation.type_id)
        brought += 1
    return brought


@transaction.atomic
def gold_relation_draw(
    *,
    reviewer: AbstractBaseUser,
    article: Article,
    from_claim_id: int,
    to_claim_id: int,
    type: LabelValue | None,
) -> Relation:
    """A gold relation the reviewer draws from one gold claim to another (in the same text or up
    the reply chain): no source. Refused when a claim is gone or not gold, or the relation
    exists."""
    _reviewer_check(reviewer, article)
    claims = claims_locked(from_claim_id, to_claim_id)
    for claim_id in (from_claim_id, to_claim_id):
        claim = claims.get(claim_id)
        if claim is None or not claim.is_gold or claim.article_id != article.pk:
            raise GoldConflict(
                f"Gold claim #{claim_id} is not in this thread's gold (deleted since the page "
                "showed it?); nothing was changed."
            )
    from_claim, to_claim = claims[from_claim_id], claims[to_claim_id]
    relation_rule_check(from_claim=from_claim, to_claim=to_claim)
    relation_type_check(value=type, corpus_id=article.corpus_id)
    assert type is not None  # relation_type_check refuses None
    relation = relation_insert(actor=reviewer, from_claim=from_claim, to_claim=to_claim, type=type)
    _review_touch(reviewer=reviewer, article_id=article.pk)
    return relation


@transaction.atomic
def gold_relation_delete(*, reviewer: AbstractBaseUser, article: Article, relation_id: int) -> None:
    """Take a relation out of gold; one removed meanwhile is a conflict saying by whom."""
    _reviewer_check(reviewer, article)
    relation = (
        Relation.objects.select_for_update(of=("self",))
        .select_related("type")
        .filter(pk=relation_id, article_id=article.pk, is_gold=True)
        .first()
    )
    if relation is None:
        gone = _last_event(OBJECT_TYPE, relation_id)
        by = (
            f" by {gone.actor.get_username()} at {_when(gone.created_at)}"
            if gone is not None and gone.action == EventAction.DELETE
            else ""
        )
        raise GoldConflict(f"This gold relation was removed{by}; nothing was changed.")
    relation_remove(actor=reviewer, relation=relation)
    _review_touch(reviewer=reviewer, article_id=article.pk)
