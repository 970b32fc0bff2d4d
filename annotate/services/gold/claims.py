"""Gold claims: accept an annotator's claim (or all of one annotator's on a text), draw one,
edit or delete one (the rules are in ``annotate.services.gold``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotate import rules
from annotate.models import (
    Claim,
    EventAction,
    LabelKind,
    LabelValue,
)
from annotate.services.claim_checks import comment_parent_of, span_check
from annotate.services.corpora import label_value_check
from annotate.services.gold.common import (
    GoldConflict,
    _claim_snapshot,
    _last_event,
    _record,
    _review_touch,
    _reviewer_check,
    _when,
    _who_when,
    version_of,
)
from annotate.services.gold.relations import gold_relation_draw, gold_relations_bring
from annotate.services.relations import RelationChoice, relations_remove_with
from threads.models import Article, Comment


def _gold_on_span(*, article_id: int, comment_id: int | None, claim: Claim) -> Claim | None:
    """The gold claim on the same span and claim type of the same text, if there is one."""
    return (
        Claim.objects.filter(
            article_id=article_id,
            comment_id=comment_id,  # type: ignore[misc]  # None: the article body
            start=claim.start,
            end=claim.end,
            claim_type_id=claim.claim_type_id,
            is_gold=True,
        )
        .select_related("annotator", "source")
        .order_by("id")
        .first()
    )


def _gold_target_check(
    *,
    article: Article,
    comment: Comment | None,
    stance_target: LabelValue | None,
    target_claim: Claim | None,
) -> None:
    """Exactly one target: a value of the schema, or a gold claim of this thread up the reply
    chain (the claim rules of ``annotate.rules``, worded for a reviewer)."""
    try:
        rules.one_target_check(value=stance_target, target_claim=target_claim)
        if stance_target is not None:
            label_value_check(
                value=stance_target,
                corpus_id=article.corpus_id,
                kind=LabelKind.STANCE_TARGET,
                field="stance_target",
            )
            rules.target_value_check(name=stance_target.name, in_article=comment is None)
            return
        assert target_claim is not None
        rules.target_claim_check(
            claim=rules.ClaimPlace(annotator=None, is_gold=True, thread=article.pk, text=None)
            if comment is None
            else rules.ClaimPlace(annotator=None, is_gold=True, thread=article.pk, text=comment.pk),
            target=rules.ClaimPlace(
                annotator=target_claim.annotator_id,
                is_gold=target_claim.is_gold,
                thread=target_claim.article_id,
                text=target_claim.comment_id,
            ),
            parent_of=lambda pk: comment.parent_id
            if comment is not None and pk == comment.pk
            else comment_parent_of(pk),
        )
    except rules.ClaimRuleError as error:
        message = error.message
        if error.rule == rules.ClaimRule.TARGET_NOT_OWN:
            message = "A gold claim's target claim must be another gold claim of this thread."
        raise ValidationError({error.field or "__all__": message}) from None


@dataclass
class Accepted:
    """What an accept did: the gold claim, a note when its target had to fall back, and how
    many of the annotator's relations came into gold with it."""

    claim: Claim
    note: str = ""
    relations: int = 0


def _fallback_target(*, article: Article, target: Claim) -> LabelValue:
    name = "thesis" if target.comment_id is None else "parent"
    value = (
        LabelValue.objects.filter(
            corpus_id=article.corpus_id, kind=LabelKind.STANCE_TARGET, name=name, retired=False
        )
        .order_by("id")
        .first()
    )
    if value is None:
        raise ValidationError(
            f"This claim targets claim #{target.pk}, which is not in gold yet, and the schema has "
            f"no “{name}” target to fall back to: accept claim #{target.pk} first."
        )
    return value


def _accept(*, reviewer: AbstractBaseUser, source: Claim, article: Article) -> Accepted:
    """Copy ``source`` (locked, checked) into gold. Refused when its span is in gold already."""
    existing = _gold_on_span(article_id=article.pk, comment_id=source.comment_id, claim=source)
    if existing is not None:
        origin = (
            f"accepted from {existing.source.get_username()}"
            if existing.source is not None
            else "drawn"
        )
        raise GoldConflict(
            f"This span is already in gold ({origin} by {existing.annotator.get_username()} at "
            f"{_when(existing.updated_at)}); nothing was accepted. Edit the gold claim instead."
        )
    stance_target = source.stance_target
    target_claim = None
    note = ""
    if source.target_claim_id is not None:
        target = source.target_claim
        assert target is not None
        gold_target = (
            Claim.objects.filter(
                article_id=article.pk,
                comment_id=target.comment_id,  # type: ignore[misc]  # None: the article body
                start=target.start,
                end=target.end,
                claim_type_id=target.claim_type_id,
                is_gold=True,
            )
            .order_by("id")
            .first()
        )
        if gold_target is not None:
            target_claim = gold_target
        else:
            stance_target = _fallback_target(article=article, target=target)
            note = (
                f"Its target, claim #{target.pk}, is not in gold yet, so the gold claim targets "
                f"“{stance_target.name}”: accept that claim and edit this one to point at it."
            )
    now = timezone.now()
    gold = Claim(
        annotator_id=reviewer.pk,
        source_id=source.annotator_id,
        article=article,
        corpus_id=article.corpus_id,
        comment_id=source.comment_id,
        start=source.start,
        end=source.end,
        quote=source.quote,
        claim_type=source.claim_type,
        stance=source.stance,
        stance_target=stance_target,
        target_claim=target_claim,
        note=source.note,
        attributes=source.attributes,
        is_gold=True,
        created_at=now,
        updated_at=now,
    )
    gold.save()
    _record(
        actor=reviewer,
        action=EventAction.CREATE,
        row=gold,
        before=None,
        after=_claim_snapshot(gold),
    )
    brought = gold_relations_bring(reviewer=reviewer, source=source, gold=gold)
    return Accepted(gold, note, brought)


def _source_for_accept(*, claim_id: int) -> Claim | None:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related(
            "article", "annotator", "claim_type", "stance", "stance_target", "target_claim"
        )
        .filter(pk=claim_id, is_gold=False)
        .first()
    )


@transaction.atomic
def gold_claim_accept(*, reviewer: AbstractBaseUser, claim_id: int, seen: str) -> Accepted:
    """Accept an annotator's claim into gold, as the page showed it (``seen``: its version).

    Refused, changing nothing, when the claim was deleted or changed since, when its span is
    already in gold (another reviewer accepted it, say), or when the reviewer does not review
    the thread.
    """
    source = _source_for_accept(claim_id=claim_id)
    if source is None:
        gone = _last_event("claim", claim_id)
        if gone is not None and gone.action == EventAction.DELETE:
            raise GoldConflict(
                f"This claim was deleted by {gone.actor.get_username()} at "
                f"{_when(gone.created_at)} since the page showed it; nothing was accepted."
            )
        raise ValidationError("No such annotator's claim; nothing was accepted.")
    article = source.article
    _reviewer_check(reviewer, article)
    if version_of(source) != seen:
        raise GoldConflict(
            f"{source.annotator.get_username()}'s claim was changed by "
            f"{_who_when('claim', source.pk)} since the page showed it (now: "
            f"{source.stance.name}); nothing was accepted. Look at it again."
        )
    accepted = _accept(reviewer=reviewer, source=source, article=article)
    _review_touch(reviewer=reviewer, article_id=article.pk)
    return accepted


@transaction.atomic
def gold_claims_accept_all(
    *,
    reviewer: AbstractBaseUser,
    article: Article,
    annotator_id: int,
    comment_id: int | None,
    seen: dict[int, str],
) -> tuple[list[Accepted], int]:
    """Accept every claim of one annotator on one text (the article body when ``comment_id`` is
    None). ``seen`` is their claims there as the page showed them ({id: version}); a claim
    added, changed or deleted since refuses the lot. Spans already in gold are skipped.
    Returns what was accepted and how many were skipped."""
    _reviewer_check(reviewer, article)
    current = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related(
            "annotator", "comment", "claim_type", "stance", "stance_target", "target_claim"
        )
        .filter(
            article_id=article.pk,
            annotator_id=annotator_id,
            comment_id=comment_id,  # type: ignore[misc]  # None: the article body
            is_gold=False,
        )
        .order_by("start", "end", "id")
    )
    now_seen = {c.pk: version_of(c) for c in current}
    if now_seen != seen:
        name = (
            get_user_model()
            .objects.filter(pk=annotator_id)
            .values_list("username", flat=True)
            .first()
        )
        raise GoldConflict(
            f"{name}'s claims on this text changed since the page showed them "
            f"({len(seen)} then, {len(current)} now); nothing was accepted. Look at them again."
        )
    accepted, skipped = [], 0
    for source in current:
        if _gold_on_span(article_id=article.pk, comment_id=comment_id, claim=source) is not None:
            skipped += 1
            continue
        accepted.append(_accept(reviewer=reviewer, source=source, article=article))
    if accepted:
        _review_touch(reviewer=reviewer, article_id=article.pk)
    return accepted, skipped


@transaction.atomic
def gold_claim_draw(
    *,
    reviewer: AbstractBaseUser,
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
    relation: RelationChoice | None = None,
) -> Claim:
    """A gold claim the reviewer draws on ``[start, end)`` (code points) of a text: no source.
    ``relation``, chosen in the same form, relates it to another gold claim."""
    _reviewer_check(reviewer, article)
    if comment is not None and comment.article_id != article.pk:
        raise ValidationError("That comment is not in this thread.")
    span_check(
        text=article.body if comment is None else comment.text,
        start=start,
        end=end,
        quote=quote,
        comment=comment,
    )
    label_value_check(
        value=claim_type, corpus_id=article.corpus_id, kind=LabelKind.CLAIM_TYPE, field="claim_type"
    )
    label_value_check(
        value=stance, corpus_id=article.corpus_id, kind=LabelKind.STANCE, field="stance"
    )
    _gold_target_check(
        article=article, comment=comment, stance_target=stance_target, target_claim=target_claim
    )
    now = timezone.now()
    gold = Claim(
        annotator_id=reviewer.pk,
        source=None,
        article=article,
        corpus_id=article.corpus_id,
        comment=comment,
        start=start,
        end=end,
        quote=quote,
        claim_type=claim_type,
        stance=stance,
        stance_target=stance_target,
        target_claim=target_claim,
        note=note,
        is_gold=True,
        created_at=now,
        updated_at=now,
    )
    gold.save()
    _record(
        actor=reviewer,
        action=EventAction.CREATE,
        row=gold,
        before=None,
        after=_claim_snapshot(gold),
    )
    _review_touch(reviewer=reviewer, article_id=article.pk)
    _relate(reviewer=reviewer, article=article, claim=gold, relation=relation)
    return gold


def _relate(
    *, reviewer: AbstractBaseUser, article: Article, claim: Claim, relation: RelationChoice | None
) -> None:
    if relation is not None:
        gold_relation_draw(
            reviewer=reviewer,
            article=article,
            from_claim_id=claim.pk,
            to_claim_id=relation.to_claim_id,
            type=relation.type,
        )


def _gold_for_write(*, claim_id: int, seen: str, verb: str) -> Claim:
    """The gold claim, locked, as the page saw it; else a GoldConflict saying what happened."""
    current = (
        Claim.objects.select_for_update(of=("self",))
        .select_related(
            "article", "article__corpus", "comment", "claim_type", "stance", "stance_target"
        )
        .filter(pk=claim_id, is_gold=True)
        .first()
    )
    if current is None:
        gone = _last_event("claim", claim_id)
        by = (
            f" by {gone.actor.get_username()} at {_when(gone.created_at)}"
            if gone is not None and gone.action == EventAction.DELETE
            else ""
        )
        raise GoldConflict(
            f"This gold claim was deleted{by} since the page showed it; nothing was {verb}."
        )
    if version_of(current) != seen:
        raise GoldConflict(
            f"This gold claim was changed by {_who_when('claim', current.pk)} since the page "
            f"showed it (now: {current.stance.name}); nothing was {verb}. Look at it again."
        )
    return current


@transaction.atomic
def gold_claim_update(
    *,
    reviewer: AbstractBaseUser,
    claim_id: int,
    seen: str,
    claim_type: LabelValue,
    stance: LabelValue,
    stance_target: LabelValue | None,
    target_claim: Claim | None,
    note: str,
    relation: RelationChoice | None = None,
) -> Claim:
    """Change a gold claim's labels and note, as the page saw it (``seen``: its version).

    The reviewer who edits it becomes the one who settled it; where it came from stays.
    ``relation`` adds a gold relation from it, in the same transaction.
    """
    current = _gold_for_write(claim_id=claim_id, seen=seen, verb="saved")
    article = current.article
    _reviewer_check(reviewer, article)
    before = _claim_snapshot(current)
    if claim_type.pk != current.claim_type_id:
        label_value_check(
            value=claim_type,
            corpus_id=article.corpus_id,
            kind=LabelKind.CLAIM_TYPE,
            field="claim_type",
        )
    if stance.pk != current.stance_id:
        label_value_check(
            value=stance, corpus_id=article.corpus_id, kind=LabelKind.STANCE, field="stance"
        )
    if stance_target is not None and stance_target.pk == current.stance_target_id:
        pass  # a retired target the claim already carries may stay
    else:
        _gold_target_check(
            article=article,
            comment=current.comment,
            stance_target=stance_target,
            target_claim=target_claim,
        )
    current.claim_type, current.stance = claim_type, stance
    current.stance_target, current.target_claim = stance_target, target_claim
    current.note = note
    current.annotator_id = reviewer.pk
    current.updated_at = timezone.now()
    current.save()
    _record(
        actor=reviewer,
        action=EventAction.UPDATE,
        row=current,
        before=before,
        after=_claim_snapshot(current),
    )
    _review_touch(reviewer=reviewer, article_id=article.pk)
    _relate(reviewer=reviewer, article=article, claim=current, relation=relation)
    return current


@transaction.atomic
def gold_claim_delete(*, reviewer: AbstractBaseUser, claim_id: int, seen: str) -> Claim:
    """Take a claim out of gold, as the page saw it; refused while gold claims target it. Its
    gold relations go with it, each recorded in the history."""
    current = _gold_for_write(claim_id=claim_id, seen=seen, verb="deleted")
    _reviewer_check(reviewer, current.article)
    attackers = Claim.objects.filter(target_claim_id=current.pk).count()
    if attackers:
        raise ValidationError(
            f"{attackers} gold claim{'s' if attackers != 1 else ''} target this claim; "
            "change or delete them first."
        )
    before = _claim_snapshot(current)
    before["relations"] = relations_remove_with(actor=reviewer, claim=current)
    pk = current.pk
    current.delete()
    current.pk = pk
    _record(actor=reviewer, action=EventAction.DELETE, row=current, before=before, after=None)
    return current
