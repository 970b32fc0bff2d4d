"""Gold: a reviewer settles a thread's annotators' labels into one version (DESIGN.md "Gold").

A gold claim or reply label is a ``Claim`` / ``ReplyLabel`` with ``is_gold``; ``annotator`` is
the reviewer who settled it last (``settled_by`` in exports) and ``source`` the annotator it was
accepted from (null: drawn or chosen by the reviewer). Rules kept here:

- Only a reviewer of the thread's corpus (or an admin) settles gold.
- One gold claim per span and claim type of a text: accepting a span already in gold is refused
  (edit the gold claim instead), so two reviewers never make two golds of the same claim.
- A gold claim's target claim is a gold claim. An accepted claim whose target was the
  annotator's claim X targets the gold claim on X's span (preferably the one accepted from X);
  when X is not in gold yet, it falls back to the schema target naming where X was — ``thesis``
  for a claim in the article body, ``parent`` for one in a comment — and the result says so.
- Stale writes are refused, never overwritten: every write carries the version the page saw
  (``updated_at`` of the claim or gold label it acts on, as ISO text, "" for "there was none";
  for an annotator's reply label, the label value it showed); the
  rows are locked (``select_for_update``) and compared, and a mismatch is a :class:`GoldConflict`
  saying what changed, by whom and when (read from the history).
- The first gold change on an ``unreviewed`` thread moves it to ``in_review``; opening the
  review page changes nothing (a GET never writes). "Mark reviewed" is
  :func:`review_status_set`.

Every gold change is recorded in the history. Gold is not an annotator, so these services do
not forget the thread's agreement figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotate import rules
from annotate.access import reviews_corpus
from annotate.models import (
    AnnotationEvent,
    Claim,
    EventAction,
    LabelKind,
    LabelValue,
    ReplyLabel,
    ReviewStatus,
    ThreadReview,
)
from annotate.services.claims import span_check
from annotate.services.corpora import label_value_check
from annotate.services.history import history_record
from threads.models import Article, Comment


class GoldConflict(ValidationError):
    """A stale write: what the page showed has changed (the message says what, who and when)."""


def version_of(row: Claim | ReplyLabel | None) -> str:
    """The version a page carries for a row: its ``updated_at`` as ISO text ("" for none)."""
    return "" if row is None else row.updated_at.isoformat()


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def _last_event(object_type: str, object_id: int) -> AnnotationEvent | None:
    return (
        AnnotationEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def _who_when(object_type: str, object_id: int) -> str:
    """ "alice at 2026-12-03 10:02:03", from the history (or "someone" when it has nothing)."""
    event = _last_event(object_type, object_id)
    if event is None:
        return "someone"
    return f"{event.actor.get_username()} at {_when(event.created_at)}"


def _reviewer_check(reviewer: AbstractBaseUser, article: Article) -> None:
    if not reviews_corpus(reviewer, article.corpus_id):  # type: ignore[arg-type]
        raise ValidationError(
            "This thread is not in a corpus you review, so you cannot settle its gold; "
            "nothing was changed."
        )


def _review_touch(*, reviewer: AbstractBaseUser, article_id: int) -> None:
    """The first gold change on an unreviewed thread puts it in review."""
    review, created = ThreadReview.objects.get_or_create(
        article_id=article_id,
        defaults={"status": ReviewStatus.IN_REVIEW, "updated_by_id": reviewer.pk},
    )
    if not created and review.status == ReviewStatus.UNREVIEWED:
        review.status = ReviewStatus.IN_REVIEW
        review.updated_by_id = reviewer.pk
        review.save(update_fields=["status", "updated_by", "updated_at"])


def _claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the history keeps of a gold claim (as ``services.claims`` does, plus its source)."""
    return {
        "id": claim.pk,
        "annotator_id": claim.annotator_id,
        "source_id": claim.source_id,
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
        "source_id": reply_label.source_id,
        "article_id": reply_label.article_id,
        "comment_id": reply_label.comment_id,
        "label": reply_label.label.name,
        "label_id": reply_label.label_id,
        "is_gold": reply_label.is_gold,
        "created_at": reply_label.created_at.isoformat(),
        "updated_at": reply_label.updated_at.isoformat(),
    }


def _record(
    *, actor: AbstractBaseUser, action: str, row: Claim | ReplyLabel, before: Any, after: Any
) -> None:
    history_record(
        actor=actor,
        action=action,
        object_type="claim" if isinstance(row, Claim) else "reply_label",
        object_id=row.pk,
        article_id=row.article_id,
        before=before,
        after=after,
    )


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


def _parent_of(comment_id: int) -> int | None:
    return Comment.objects.filter(pk=comment_id).values_list("parent_id", flat=True).get()


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
            else _parent_of(pk),
        )
    except rules.ClaimRuleError as error:
        message = error.message
        if error.rule == rules.ClaimRule.TARGET_NOT_OWN:
            message = "A gold claim's target claim must be another gold claim of this thread."
        raise ValidationError({error.field or "__all__": message}) from None


@dataclass
class Accepted:
    """What an accept did: the gold claim, and a note when its target had to fall back."""

    claim: Claim
    note: str = ""


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
        comment_id=source.comment_id,
        start=source.start,
        end=source.end,
        quote=source.quote,
        claim_type=source.claim_type,
        stance=source.stance,
        stance_target=stance_target,
        target_claim=target_claim,
        note=source.note,
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
    return Accepted(gold, note)


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
) -> Claim:
    """A gold claim the reviewer draws on ``[start, end)`` (code points) of a text: no source."""
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
    return gold


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
) -> Claim:
    """Change a gold claim's labels and note, as the page saw it (``seen``: its version).

    The reviewer who edits it becomes the one who settled it; where it came from stays.
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
    return current


@transaction.atomic
def gold_claim_delete(*, reviewer: AbstractBaseUser, claim_id: int, seen: str) -> Claim:
    """Take a claim out of gold, as the page saw it; refused while gold claims target it."""
    current = _gold_for_write(claim_id=claim_id, seen=seen, verb="deleted")
    _reviewer_check(reviewer, current.article)
    attackers = Claim.objects.filter(target_claim_id=current.pk).count()
    if attackers:
        raise ValidationError(
            f"{attackers} gold claim{'s' if attackers != 1 else ''} target this claim; "
            "change or delete them first."
        )
    before = _claim_snapshot(current)
    pk = current.pk
    current.delete()
    current.pk = pk
    _record(actor=reviewer, action=EventAction.DELETE, row=current, before=before, after=None)
    return current


def _gold_reply_set(
    *,
    reviewer: AbstractBaseUser,
    comment: Comment,
    label: LabelValue,
    source_id: int | None,
    seen_gold: str,
) -> ReplyLabel:
    existing = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("label", "annotator")
        .filter(comment=comment, is_gold=True)
        .first()
    )
    if version_of(existing) != seen_gold:
        if existing is None:
            raise GoldConflict(
                f"The gold reply label was removed by {_who_when_reply(comment)} since the page "
                "showed it; nothing was changed. Look at it again."
            )
        raise GoldConflict(
            f"The gold reply label was set to “{existing.label.name}” by "
            f"{existing.annotator.get_username()} at {_when(existing.updated_at)} since the page "
            "showed it; nothing was changed. Look at it again."
        )
    now = timezone.now()
    if existing is None:
        gold = ReplyLabel.objects.create(
            annotator_id=reviewer.pk,
            source_id=source_id,
            article_id=comment.article_id,
            comment=comment,
            label=label,
            is_gold=True,
            created_at=now,
            updated_at=now,
        )
        _record(
            actor=reviewer,
            action=EventAction.CREATE,
            row=gold,
            before=None,
            after=_reply_label_snapshot(gold),
        )
    else:
        before = _reply_label_snapshot(existing)
        existing.label, existing.source_id, existing.annotator_id = label, source_id, reviewer.pk
        existing.updated_at = now
        existing.save(update_fields=["label", "source", "annotator", "updated_at"])
        gold = existing
        _record(
            actor=reviewer,
            action=EventAction.UPDATE,
            row=gold,
            before=before,
            after=_reply_label_snapshot(gold),
        )
    _review_touch(reviewer=reviewer, article_id=comment.article_id)
    return gold


def _who_when_reply(comment: Comment) -> str:
    event = (
        AnnotationEvent.objects.filter(
            object_type="reply_label", article_id=comment.article_id, action=EventAction.DELETE
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return "someone"
    return f"{event.actor.get_username()} at {_when(event.created_at)}"


@transaction.atomic
def gold_reply_label_accept(
    *, reviewer: AbstractBaseUser, reply_label_id: int, seen: str, seen_gold: str
) -> ReplyLabel:
    """Make an annotator's reply label the comment's gold one, as the page showed both.

    ``seen`` is the id of the label value the page showed for the annotator (what is accepted
    is that value: a label changed and changed back is still what the reviewer saw);
    ``seen_gold`` the gold label's version, "" when there was none."""
    source = (
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("comment", "comment__article", "label", "annotator")
        .filter(pk=reply_label_id, is_gold=False)
        .first()
    )
    if source is None:
        gone = _last_event("reply_label", reply_label_id)
        by = f" by {gone.actor.get_username()} at {_when(gone.created_at)}" if gone else ""
        raise GoldConflict(
            f"This reply label was removed{by} since the page showed it; nothing was accepted."
        )
    comment = source.comment
    _reviewer_check(reviewer, comment.article)
    if str(source.label_id) != seen:
        raise GoldConflict(
            f"{source.annotator.get_username()}'s reply label was changed to "
            f"“{source.label.name}” at {_when(source.updated_at)} since the page showed it; "
            "nothing was accepted. Look at it again."
        )
    return _gold_reply_set(
        reviewer=reviewer,
        comment=comment,
        label=source.label,
        source_id=source.annotator_id,
        seen_gold=seen_gold,
    )


def reply_labels_fingerprint(labels: list[tuple[str, int]]) -> str:
    """The annotators' reply labels on a comment as a page carries them: "alice=3,bob=4"."""
    return ",".join(f"{name}={label_id}" for name, label_id in sorted(labels))


def majority(label_ids: list[int]) -> int | None:
    """The label given more often than any other, or None (no labels, or a tie at the top)."""
    counts = Counter(label_ids).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


@transaction.atomic
def gold_reply_label_majority(
    *, reviewer: AbstractBaseUser, comment: Comment, seen: str, seen_gold: str
) -> ReplyLabel:
    """Make the annotators' majority reply label the comment's gold one.

    ``seen`` is their labels as the page showed them (:func:`reply_labels_fingerprint`). The
    source is the first annotator (by username) who gave the majority label. Refused when the
    labels changed since, or when there is no majority (a tie).
    """
    article = comment.article
    _reviewer_check(reviewer, article)
    rows = list(
        ReplyLabel.objects.select_for_update(of=("self",))
        .select_related("annotator", "label")
        .filter(comment=comment, is_gold=False)
    )
    pairs = [(r.annotator.get_username(), r.label_id) for r in rows]
    if reply_labels_fingerprint(pairs) != seen:
        now = ", ".join(f"{r.annotator.get_username()} {r.label.name}" for r in rows) or "none"
        raise GoldConflict(
            f"The annotators' reply labels on this comment changed since the page showed them "
            f"(now: {now}); nothing was accepted. Look at them again."
        )
    winner = majority([r.label_id for r in rows])
    if winner is None:
        given = ", ".join(f"{r.annotator.get_username()} {r.label.name}" for r in rows) or "none"
        raise ValidationError(
            f"There is no majority reply label on this comment ({given}); accept one of them."
        )
    first = min((r for r in rows if r.label_id == winner), key=lambda r: r.annotator.get_username())
    return _gold_reply_set(
        reviewer=reviewer,
        comment=comment,
        label=first.label,
        source_id=first.annotator_id,
        seen_gold=seen_gold,
    )


@transaction.atomic
def review_status_set(*, reviewer: AbstractBaseUser, article: Article, status: str) -> ThreadReview:
    """Set the thread's review status (``unreviewed``, ``in_review``, ``reviewed``)."""
    _reviewer_check(reviewer, article)
    if status not in ReviewStatus.values:
        raise ValidationError(
            f"No review status named {status!r}. Valid: {', '.join(ReviewStatus.values)}."
        )
    review, _ = ThreadReview.objects.update_or_create(
        article_id=article.pk, defaults={"status": status, "updated_by_id": reviewer.pk}
    )
    return review
