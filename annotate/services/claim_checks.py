"""The checks a claim write makes before it writes: a done thread is read-only, the span and
note rules and the one stance target of ``annotate.rules``, each worded as a ValidationError for
forms, views and the API. Shared by the annotators' and the reviewers' (gold) claim services."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

from annotate import rules
from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    LabelKind,
    LabelValue,
)
from annotate.services.corpora import label_value_check
from threads.models import Article, Comment


def text_of(*, article: Article, comment: Comment | None) -> str:
    return article.body if comment is None else comment.text


def _where(comment: Comment | None) -> str:
    return "the article" if comment is None else "this comment"


DONE_MESSAGE = (
    "This thread is marked done, so its labels are read-only: reopen it to change them. "
    "Nothing was changed."
)

# How long after deleting a claim its annotator can still undo it (the page offers it for ten
# seconds; the server allows a slow network some more).


def labels_writable_check(
    *, annotator_id: int, article_id: int, assignment: Assignment | None = None
) -> None:
    """Refuse to change an annotator's own labels on a thread they have marked done.

    ``assignment``, when the caller has read it (the views do), spares the query.
    """
    if assignment is not None and (
        assignment.annotator_id == annotator_id and assignment.article_id == article_id
    ):
        done = assignment.status == AssignmentStatus.DONE
    else:
        done = Assignment.objects.filter(
            annotator_id=annotator_id, article_id=article_id, status=AssignmentStatus.DONE
        ).exists()
    if done:
        raise ValidationError(DONE_MESSAGE)


def span_check(*, text: str, start: int, end: int, quote: str, comment: Comment | None) -> None:
    """The span rule of ``annotate.rules``, as a ValidationError for forms and views."""
    try:
        rules.span_check(text=text, start=start, end=end, quote=quote, in_article=comment is None)
    except rules.ClaimRuleError as error:
        raise ValidationError(error.message) from None


def note_check(*, note: str) -> None:
    """The note rule of ``annotate.rules``, as a ValidationError on the note field."""
    try:
        rules.note_check(note=note)
    except rules.ClaimRuleError as error:
        raise ValidationError({"note": error.message}) from None


def comment_parent_of(comment_id: int) -> int | None:
    """The comment ``comment_id`` replies to: one query per level, only as far as the rule asks."""
    return Comment.objects.filter(pk=comment_id).values_list("parent_id", flat=True).get()


def target_check(
    *,
    annotator: AbstractBaseUser,
    article: Article,
    comment: Comment | None,
    stance_target: LabelValue | None,
    target_claim: Claim | None,
    is_gold: bool = False,
    keep_retired: LabelValue | None = None,
) -> None:
    """Exactly one target: a schema value, or an earlier claim of the same annotator (gold: any
    gold claim) in an ancestor text (the article body or a comment up the reply chain)."""
    try:
        rules.one_target_check(value=stance_target, target_claim=target_claim)
        if stance_target is not None:
            if not (keep_retired is not None and stance_target.pk == keep_retired.pk):
                label_value_check(
                    value=stance_target,
                    corpus_id=article.corpus_id,
                    kind=LabelKind.STANCE_TARGET,
                    field="stance_target",
                )
            elif stance_target.corpus_id != article.corpus_id:
                raise ValidationError({"stance_target": "That target is not in this corpus."})
            rules.target_value_check(name=stance_target.name, in_article=comment is None)
            return
        assert target_claim is not None

        def parent_of(pk: int) -> int | None:
            # The claim's own comment is in hand; only the levels above it are read.
            if comment is not None and pk == comment.pk:
                return comment.parent_id
            return comment_parent_of(pk)

        rules.target_claim_check(
            claim=rules.ClaimPlace(
                annotator=annotator.pk,
                is_gold=is_gold,
                thread=article.pk,
                text=None if comment is None else comment.pk,
            ),
            target=rules.ClaimPlace(
                annotator=target_claim.annotator_id,
                is_gold=target_claim.is_gold,
                thread=target_claim.article_id,
                text=target_claim.comment_id,
            ),
            parent_of=parent_of,
        )
    except rules.ClaimRuleError as error:
        raise ValidationError({error.field or "__all__": error.message}) from None


def span_problems(
    *, article: Article, comment: Comment | None, start: int, end: int, quote: str
) -> list[str]:
    """What is wrong with a selection, for a claim form to show (empty: nothing)."""
    try:
        span_check(
            text=text_of(article=article, comment=comment),
            start=start,
            end=end,
            quote=quote,
            comment=comment,
        )
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []
