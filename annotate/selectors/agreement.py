"""Reads for the agreement figures: a corpus's threads as plain ``ThreadStudy`` records.

The computation (``annotate.agreement``) knows nothing of the database; this turns rows into
its records in a fixed number of queries whatever the number of threads (articles, comments,
claims, reply labels, done assignments, label names: one query each, and the directions the
corpus labels replies in), so a stale corpus is read in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models.functions import Length

from annotate.agreement import ClaimRecord, ReplyLabelRecord, Text, ThreadStudy
from annotate.models import Assignment, AssignmentStatus, Claim, LabelValue, ReplyLabel
from annotate.selectors.schema import reply_directions_get
from threads.models import Article, Comment, Corpus

CLAIM_TARGET = "claim"  # the target kind of a claim that answers another claim


def agreement_studies(*, corpus: Corpus, article_ids: Iterable[int]) -> dict[int, ThreadStudy]:
    """Each of ``article_ids`` (threads of ``corpus``) as the study its figures come from.

    Gold labels are not an annotator's and stay out. A claim's ``order`` is its place in the
    export (annotator, text in display order, start, end, created_at, id), which only breaks
    ties in the overlap matching. Every study declares the directions the corpus labels, so
    ``reply_labels`` is the parent direction in every thread where the corpus labels it, and
    each direction is reported apart where it labels both.
    """
    ids = list(article_ids)
    directions = reply_directions_get(corpus=corpus)
    names = dict(LabelValue.objects.filter(corpus=corpus).values_list("pk", "name"))
    bodies = dict(
        Article.objects.filter(corpus=corpus, pk__in=ids)
        .annotate(length=Length("body"))
        .values_list("pk", "length")
    )
    texts: dict[int, list[Text]] = {pk: [Text(None, length, 0)] for pk, length in bodies.items()}
    position: dict[int | None, int] = {None: -1}
    for article_id, pk, depth, length, order in (
        Comment.objects.filter(article_id__in=bodies)
        .annotate(length=Length("text"))
        .order_by("article_id", "position")
        .values_list("article_id", "pk", "depth", "length", "position")
    ):
        texts[article_id].append(Text(pk, length, depth + 1))
        position[pk] = order

    claims: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        Claim.objects.filter(article_id__in=bodies, is_gold=False)
        .values_list(
            "article_id",
            "annotator__username",
            "comment_id",
            "start",
            "end",
            "claim_type_id",
            "stance_id",
            "stance_target_id",
            "created_at",
            "pk",
        )
        .order_by()
    ):
        claims[row[0]].append(row)
    labels: dict[int, list[ReplyLabelRecord]] = defaultdict(list)
    for article_id, username, comment_id, label_id, toward in (
        ReplyLabel.objects.filter(article_id__in=bodies, is_gold=False)
        .values_list("article_id", "annotator__username", "comment_id", "label_id", "toward")
        .order_by()
    ):
        labels[article_id].append(ReplyLabelRecord(username, comment_id, names[label_id], toward))
    done: dict[int, set[str]] = defaultdict(set)
    for article_id, username in Assignment.objects.filter(
        article_id__in=bodies, status=AssignmentStatus.DONE
    ).values_list("article_id", "annotator__username"):
        done[article_id].add(username)

    studies = {}
    for article_id in bodies:
        rows = sorted(
            claims[article_id], key=lambda c: (c[1], position[c[2]], c[3], c[4], c[8], c[9])
        )
        records = [
            ClaimRecord(
                annotator=username,
                text_key=comment_id,
                start=start,
                end=end,
                claim_type=names[claim_type],
                stance=names[stance],
                target_kind=CLAIM_TARGET if target is None else names[target],
                order=order,
            )
            for order, (
                _,
                username,
                comment_id,
                start,
                end,
                claim_type,
                stance,
                target,
                _,
                _,
            ) in enumerate(rows)
        ]
        annotators = done[article_id] | {c.annotator for c in records}
        annotators |= {label.annotator for label in labels[article_id]}
        studies[article_id] = ThreadStudy(
            texts=texts[article_id],
            claims=records,
            reply_labels=labels[article_id],
            annotators=sorted(annotators),
            reply_directions=directions,
        )
    return studies
