"""Writes on threads: fixing segmentation and editing texts while nothing is anchored to them.

The text format cannot tell two sibling comments from one comment of two
paragraphs, so admins merge a comment into its previous sibling or split one at
a paragraph break. Both keep the thread's invariants: ``position`` stays
``0..n-1`` in display order (a pre-order walk), every reply stays one level
below its parent in the same article (the database triggers check that too).

Annotations live in the ``annotate`` app, which ``threads`` never imports. So
"this text carries annotations" is asked generically: any row of another model
that points at the comment (other than its replies), or, for the article body,
any row that points at the article and also has a comment foreign key left
empty. Offsets of such rows would point at the wrong characters after an edit,
so the edit is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max

from threads.models import Article, Comment

# A blank line (possibly holding spaces or tabs), and any further blank lines after it.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def paragraph_breaks(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the blank-line runs between two non-blank paragraphs.

    Leading or trailing blank lines are not breaks: there is no paragraph on their other side.
    """
    breaks = []
    for match in _PARAGRAPH_BREAK.finditer(text):
        if text[: match.start()].strip() and text[match.end() :].strip():
            breaks.append((match.start(), match.end()))
    return breaks


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` as :func:`comment_split` counts them (separators left out)."""
    parts, last = [], 0
    for start, end in paragraph_breaks(text):
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return parts


def dependent_relations(model: type[models.Model]) -> Iterator[models.ForeignObjectRel]:
    """Reverse relations of ``model`` from other apps' models, the thread's own left out."""
    for rel in model._meta.related_objects:
        if rel.related_model is model or rel.related_model is Comment:
            continue  # a comment's replies, an article's comments: the thread itself
        if rel.many_to_many:
            continue
        yield rel


def comment_has_dependents(comment: Comment) -> bool:
    """Whether any other model's row points at ``comment`` (claims, reply labels, ...).

    Its replies do not count. One query per reverse relation.
    """
    for rel in dependent_relations(Comment):
        related = rel.related_model
        assert not isinstance(related, str)
        if related._default_manager.filter(**{rel.field.name: comment.pk}).exists():
            return True
    return False


def article_body_has_dependents(article: Article) -> bool:
    """Whether any row is anchored to the article's body.

    A model that points at both an article and a comment (a claim) anchors to the
    article body when its comment is empty. A model with no comment link (an
    assignment) is about the thread, not about characters of its text, and does
    not count.
    """
    for rel in dependent_relations(Article):
        related = rel.related_model
        assert not isinstance(related, str)
        comment_fields = [
            f.name
            for f in related._meta.get_fields()
            if f.many_to_one and f.related_model is Comment and f.concrete
        ]
        if not comment_fields:
            continue
        filters = {rel.field.name: article.pk}
        filters.update({f"{name}__isnull": True for name in comment_fields})
        if related._default_manager.filter(**filters).exists():
            return True
    return False


def _lock_thread(article_id: int) -> Article:
    # Serialise structural edits of one thread (a no-op lock on SQLite, whose
    # IMMEDIATE transactions already serialise writers).
    return Article.objects.select_for_update().get(pk=article_id)


def _shift_positions(*, article_id: int, after: int, by: int) -> None:
    """Add ``by`` (+1 or -1) to every position greater than ``after`` without a collision.

    The (article, position) uniqueness is checked row by row during an UPDATE, so
    shifting in place could collide half-way. First every moved row jumps past the
    current maximum, then it lands on its final place, which is free by then.
    """
    rows = Comment.objects.filter(article_id=article_id, position__gt=after)
    top = Comment.objects.filter(article_id=article_id).aggregate(top=Max("position"))["top"]
    if top is None or top <= after:
        return
    offset = top + 2  # beyond every current position, and beyond every target position
    rows.update(position=F("position") + offset)
    Comment.objects.filter(article_id=article_id, position__gte=offset).update(
        position=F("position") - offset + by
    )


@transaction.atomic
def comment_merge(*, comment: Comment) -> Comment:
    """Merge ``comment`` into its previous sibling and return the sibling.

    The sibling gets the comment's text after a blank line and its replies (as
    its last replies, so the display order is unchanged); the comment is deleted
    and the later positions close up. Refused while either text carries annotations.
    """
    _lock_thread(comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    sibling = (
        Comment.objects.filter(
            article_id=comment.article_id,
            parent_id=comment.parent_id,
            position__lt=comment.position,
        )
        .order_by("-position")
        .first()
    )
    if sibling is None:
        raise ValidationError(
            f"Comment {comment.external_id} is the first of its siblings: "
            "there is no previous sibling to merge it into."
        )
    if comment_has_dependents(comment):
        raise ValidationError(
            f"Comment {comment.external_id} carries annotations; "
            "it cannot be merged until they are removed."
        )
    if comment_has_dependents(sibling):
        raise ValidationError(
            f"Comment {sibling.external_id}, the previous sibling, carries annotations; "
            f"{comment.external_id} cannot be merged into it until they are removed."
        )

    head, tail = sibling.text.rstrip("\n"), comment.text.lstrip("\n")
    sibling.text = f"{head}\n\n{tail}" if head and tail else head or tail
    sibling.save(update_fields=["text", "updated_at"])
    # The replies follow the sibling's own replies in display order already: the
    # sibling's subtree ends right before the merged comment. Same depth, new parent.
    Comment.objects.filter(parent=comment).update(parent=sibling)
    position = comment.position
    comment.delete()
    _shift_positions(article_id=sibling.article_id, after=position, by=-1)
    sibling.refresh_from_db()
    return sibling


def _free_external_id(article_id: int, base: str) -> str:
    taken = set(
        Comment.objects.filter(article_id=article_id, external_id__startswith=base).values_list(
            "external_id", flat=True
        )
    )
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def comment_split(*, comment: Comment, at_paragraph: int) -> Comment:
    """Split ``comment`` before paragraph ``at_paragraph`` (counted from 0); return the new comment.

    The comment keeps paragraphs ``[0, at_paragraph)``; a new sibling right after
    it gets the rest and, as in the text format where replies follow the last
    paragraph, the comment's replies. Its external id is the original's with a
    ``-2`` (``-3``, ...) suffix. Refused while the comment carries annotations.
    """
    _lock_thread(comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    breaks = paragraph_breaks(comment.text)
    if not breaks:
        raise ValidationError(
            f"Comment {comment.external_id} has a single paragraph: there is nothing to split."
        )
    if not 1 <= at_paragraph <= len(breaks):
        raise ValidationError(
            f"Comment {comment.external_id} has {len(breaks) + 1} paragraphs: "
            f"split before paragraph 1 to {len(breaks)} (counted from 0), not {at_paragraph}."
        )
    if comment_has_dependents(comment):
        raise ValidationError(
            f"Comment {comment.external_id} carries annotations; "
            "it cannot be split until they are removed."
        )

    start, end = breaks[at_paragraph - 1]
    head, tail = comment.text[:start], comment.text[end:]
    # The comment's subtree occupies the positions right after it; the new
    # sibling goes first in that range and the replies move one down with it.
    _shift_positions(article_id=comment.article_id, after=comment.position, by=1)
    meta = {**comment.meta, "split_from": comment.external_id}
    new = Comment.objects.create(
        article_id=comment.article_id,
        parent_id=comment.parent_id,
        external_id=_free_external_id(comment.article_id, comment.external_id),
        author=comment.author,
        text=tail,
        posted_at=comment.posted_at,
        meta=meta,
        depth=comment.depth,
        position=comment.position + 1,
    )
    Comment.objects.filter(parent=comment).update(parent=new)
    comment.text = head
    comment.save(update_fields=["text", "updated_at"])
    return new


@transaction.atomic
def comment_create(
    *,
    article: Article,
    parent: Comment | None = None,
    external_id: str,
    text: str,
    author: str = "",
    posted_at: datetime | None = None,
    meta: dict[str, Any] | None = None,
) -> Comment:
    """Add a comment as the last reply of ``parent`` (the last top-level comment without one).

    It goes right after the parent's subtree in display order; later positions move one down.
    """
    _lock_thread(article.pk)
    if parent is not None:
        parent = Comment.objects.get(pk=parent.pk)
        if parent.article_id != article.pk:
            raise ValidationError(
                f"Comment {parent.external_id} is in another thread; "
                "a reply must be in its parent's thread."
            )
    if Comment.objects.filter(article=article, external_id=external_id).exists():
        raise ValidationError(f"This thread already has a comment with external id {external_id}.")
    comments = Comment.objects.filter(article=article)
    if parent is None:
        position = comments.count()
    else:
        # The parent's subtree ends before the next comment at its depth or shallower.
        after = (
            comments.filter(position__gt=parent.position, depth__lte=parent.depth)
            .order_by("position")
            .values_list("position", flat=True)
            .first()
        )
        position = comments.count() if after is None else after
        _shift_positions(article_id=article.pk, after=position - 1, by=1)
    comment = Comment(
        article=article,
        parent=parent,
        external_id=external_id,
        author=author,
        text=text,
        posted_at=posted_at,
        meta=meta or {},
        depth=0 if parent is None else parent.depth + 1,
        position=position,
    )
    comment.full_clean(validate_constraints=False)
    comment.save()
    return comment


@transaction.atomic
def comment_update_text(*, comment: Comment, text: str) -> Comment:
    """Replace a comment's text, refused while anything is anchored to it."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.text == text:
        return comment
    if comment_has_dependents(comment):
        raise ValidationError(
            f"Comment {comment.external_id} carries annotations: its text cannot be edited, "
            "or they would point at the wrong characters."
        )
    comment.text = text
    comment.save(update_fields=["text", "updated_at"])
    return comment


@transaction.atomic
def article_update_body(*, article: Article, body: str) -> Article:
    """Replace an article's body, refused while anything is anchored to it."""
    article = _lock_thread(article.pk)
    if article.body == body:
        return article
    if article_body_has_dependents(article):
        raise ValidationError(
            f"The body of {article.external_id} carries annotations: it cannot be edited, "
            "or they would point at the wrong characters."
        )
    article.body = body
    article.save(update_fields=["body", "updated_at"])
    return article
