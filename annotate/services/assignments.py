"""Assignments: their status, assigning threads to annotators in bulk or k at a time (the
pure planner :func:`overlap_plan` and :func:`assignment_overlap_create`), and unassigning."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from annotate.models import (
    Assignment,
    AssignmentStatus,
    Claim,
    CorpusGrant,
    GrantRole,
    ReplyLabel,
)
from annotate.services.agreement import agreement_forget
from threads.models import Article, Corpus


def assignment_touch(
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
        # A done assignment makes its annotator one of the thread's annotators.
        agreement_forget(article_id=assignment.article_id)
    return assignment


# --- k-overlap assignment -----------------------------------------------------------------------


def overlap_plan(
    *,
    threads: Sequence[int],
    existing: Mapping[int, Iterable[int]],
    pool: Sequence[int],
    load: Mapping[int, int],
    k: int,
    seed: int,
) -> dict[int, list[int]]:
    """Which pool members each thread gets so that it has ``k`` annotators: pure, no database.

    ``existing`` maps a thread to the users already assigned to it (they count toward k, in the
    pool or not); ``load`` maps a pool member to their open assignments. Threads are planned in
    the order given; each takes the least-loaded pool members it lacks, and each pick adds to
    that member's load, so the plan stays balanced. Ties go by one shuffle of the pool seeded
    with ``seed``: the same inputs and seed give the same plan.
    """
    rank = {user: i for i, user in enumerate(_shuffled(pool, seed))}
    loads = {user: load.get(user, 0) for user in pool}
    plan: dict[int, list[int]] = {}
    for thread in threads:
        have = set(existing.get(thread, ()))
        need = k - len(have)
        if need <= 0:
            continue
        candidates = sorted((u for u in pool if u not in have), key=lambda u: (loads[u], rank[u]))
        picked = candidates[:need]
        for user in picked:
            loads[user] += 1
        if picked:
            plan[thread] = sorted(picked)
    return plan


def _shuffled(pool: Sequence[int], seed: int) -> list[int]:
    order = sorted(set(pool))
    random.Random(seed).shuffle(order)  # noqa: S311  # reproducible tie-breaking, not secrecy
    return order


@dataclass
class OverlapResult:
    """What :func:`assignment_overlap_create` did, for a command's or the admin's message."""

    seed: int
    threads: int  # threads considered
    created: int  # assignments made
    per_annotator: dict[str, int] = field(default_factory=dict)  # username → new assignments
    already_full: int = 0  # threads that had k annotators already

    def __str__(self) -> str:
        who = ", ".join(f"{name} {n}" for name, n in sorted(self.per_annotator.items()))
        return (
            f"Created {self.created} assignment{'' if self.created == 1 else 's'} on "
            f"{self.threads} thread{'' if self.threads == 1 else 's'} "
            f"({self.already_full} already had enough annotators)"
            f"{': ' + who if who else ''}; seed {self.seed}."
        )


def annotator_pool_check(*, corpus: Corpus, annotators: Sequence[AbstractBaseUser]) -> None:
    """Every user in ``annotators`` holds the annotator role on ``corpus``, or ValidationError
    naming those who do not (only annotators are offered for assignments, DESIGN.md)."""
    granted = set(
        CorpusGrant.objects.filter(
            corpus=corpus, role=GrantRole.ANNOTATOR, user_id__in=[u.pk for u in annotators]
        ).values_list("user_id", flat=True)
    )
    missing = [u.get_username() for u in annotators if u.pk not in granted]
    if missing:
        names = ", ".join(sorted(missing))
        raise ValidationError(
            f"{names} {'has' if len(missing) == 1 else 'have'} no annotator role on corpus "
            f"“{corpus.slug}”; grant it first (admin: the corpus's roles, or "
            f"python manage.py grant {corpus.slug} USERNAME --role annotator)."
        )


@transaction.atomic
def assignment_overlap_create(
    *,
    corpus: Corpus,
    k: int,
    annotators: Sequence[AbstractBaseUser],
    seed: int | None = None,
    articles: Sequence[Article] | None = None,
) -> OverlapResult:
    """Give each thread ``k`` annotators out of ``annotators``, balanced by their open load.

    The threads are ``articles`` (each must be of ``corpus``; threads that already have
    annotators are topped up to k), or, when None, every thread of the corpus that has no
    assignment at all. Load is each annotator's open (not done) assignments, in any corpus.
    Without a ``seed`` one is drawn and returned, so the plan can be made again. Validates
    everything before it writes: k between 1 and the pool's size, every annotator holding the
    annotator role on the corpus, every thread in the corpus.
    """
    pool = list({u.pk: u for u in annotators}.values())
    if not pool:
        raise ValidationError("Choose at least one annotator.")
    if k < 1:
        raise ValidationError(f"k must be at least 1, not {k}.")
    if k > len(pool):
        raise ValidationError(
            f"k = {k} is more than the {len(pool)} annotator{'' if len(pool) == 1 else 's'} "
            "chosen: each thread needs k different annotators."
        )
    annotator_pool_check(corpus=corpus, annotators=pool)
    # One plan at a time per corpus: a second one (another admin, a double-submitted form)
    # waits here and then plans around the first's assignments instead of colliding with them.
    Corpus.objects.select_for_update().filter(pk=corpus.pk).values_list("pk").get()
    if articles is None:
        thread_ids = list(
            Article.objects.filter(corpus=corpus)
            .exclude(Exists(Assignment.objects.filter(article=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    else:
        others = [a for a in articles if a.corpus_id != corpus.pk]
        if others:
            raise ValidationError(
                f"{len(others)} of the threads chosen are not in corpus “{corpus.slug}”."
            )
        thread_ids = sorted({a.pk for a in articles})
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)

    existing: dict[int, set[int]] = {}
    for user_id, article_id in Assignment.objects.filter(article_id__in=thread_ids).values_list(
        "annotator_id", "article_id"
    ):
        existing.setdefault(article_id, set()).add(user_id)
    load = dict(
        Assignment.objects.filter(annotator_id__in=[u.pk for u in pool])
        .exclude(status=AssignmentStatus.DONE)
        .order_by()
        .values("annotator_id")
        .annotate(n=Count("pk"))
        .values_list("annotator_id", "n")
    )
    plan = overlap_plan(
        threads=thread_ids,
        existing=existing,
        pool=[u.pk for u in pool],
        load=load,
        k=k,
        seed=seed,
    )
    new = [
        Assignment(annotator_id=user_id, article_id=article_id)
        for article_id, users in plan.items()
        for user_id in users
    ]
    Assignment.objects.bulk_create(new)
    names = {u.pk: u.get_username() for u in pool}
    per_annotator: dict[str, int] = {}
    for users in plan.values():
        for user_id in users:
            per_annotator[names[user_id]] = per_annotator.get(names[user_id], 0) + 1
    return OverlapResult(
        seed=seed,
        threads=len(thread_ids),
        created=len(new),
        per_annotator=per_annotator,
        already_full=sum(1 for t in thread_ids if len(existing.get(t, ())) >= k),
    )


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> int:
    """Unassign a thread. The annotator's labels on it stay (nothing an annotator did is lost):
    returns how many there are, so the caller can say so."""
    own = {"article_id": assignment.article_id, "annotator_id": assignment.annotator_id}
    kept = (
        Claim.objects.filter(**own, is_gold=False).count()
        + ReplyLabel.objects.filter(**own, is_gold=False).count()
    )
    assignment.delete()
    # A done assignment made its annotator one of the thread's annotators.
    agreement_forget(article_id=own["article_id"])
    return kept
