"""A large thread built with bulk inserts (level by level, parents first, as the triggers want),
for query-count tests and the benchmarks."""

from __future__ import annotations

from annotate.models import Claim, LabelKind, LabelValue, Relation
from threads.models import Article, Comment


def build_thread(
    *, article: Article, comments: int, claims: int = 0, annotator=None, relations: bool = False
) -> None:
    """Add ``comments`` comments to ``article``: top-level comments each with a chain of three
    replies (depths 0-3), in display order; then ``claims`` claims by ``annotator`` spread over
    them (every fourth comment, overlapping pairs in some). With ``relations``, each of those
    claims gets an answer in the reply under it that attacks it (twice the claims)."""
    chains = (comments + 3) // 4
    plan = []  # (chain, depth, position)
    position = 0
    for chain in range(chains):
        for depth in range(4):
            if position < comments:
                plan.append((chain, depth, position))
                position += 1
    made: dict[tuple[int, int], Comment] = {}
    for depth in range(4):
        level = [
            Comment(
                article=article,
                parent=made.get((chain, depth - 1)),
                external_id=f"b{position}",
                author=f"user{chain % 50}",
                text=f"Comment {position} 😀 at depth {depth}: some words to label here.",
                depth=depth,
                position=position,
            )
            for chain, d, position in plan
            if d == depth
        ]
        for comment in Comment.objects.bulk_create(level):
            made[(int(comment.external_id[1:]) // 4, comment.depth)] = comment
    if not claims:
        return
    corpus_id = article.corpus_id
    values = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus_id=corpus_id)}
    texts = sorted(made.values(), key=lambda c: c.position)
    new = []
    for i in range(claims):
        comment = texts[(i * 4) % len(texts)]
        start, end = (8, 20) if i % 2 else (0, 12)
        new.append(
            Claim(
                annotator=annotator,
                article=article,
                corpus_id=corpus_id,
                comment=comment,
                start=start,
                end=end,
                quote=comment.text[start:end],
                claim_type=values[(LabelKind.CLAIM_TYPE, "claim")],
                stance=values[(LabelKind.STANCE, "oppose" if i % 3 else "support")],
                stance_target=values[(LabelKind.STANCE_TARGET, "thesis")],
            )
        )
    Claim.objects.bulk_create(new)
    if not relations:
        return
    below = {c.parent_id: c for c in texts if c.depth == 1}
    answers = []
    for claim in new:
        reply = below.get(claim.comment_id)
        if reply is not None:
            answers.append(
                (
                    claim,
                    Claim(
                        annotator=annotator,
                        article=article,
                        corpus_id=corpus_id,
                        comment=reply,
                        start=0,
                        end=7,
                        quote=reply.text[:7],
                        claim_type=values[(LabelKind.CLAIM_TYPE, "claim")],
                        stance=values[(LabelKind.STANCE, "oppose")],
                        stance_target=values[(LabelKind.STANCE_TARGET, "parent")],
                    ),
                )
            )
    Claim.objects.bulk_create([answer for _, answer in answers])
    Relation.objects.bulk_create(
        Relation(
            from_claim=answer,
            to_claim=claim,
            type=values[(LabelKind.RELATION, "attack")],
            article=article,
            annotator=annotator,
        )
        for claim, answer in answers
    )
