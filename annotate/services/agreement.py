"""Agreement figures, kept per thread: computed where labels changed, read from the kept rows
everywhere else.

A thread's figures (``annotate.agreement.thread_figures``) are computed from its labels and
kept in ``AgreementFigures``; every service that changes an annotator's label, an assignment's
status or a thread's texts calls :func:`agreement_forget`, and the next read computes that
thread again, not the corpus. Measured with ``bench/agreement.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from annotate.agreement import (
    PIECE_VERSION,
    corpus_level_from_pieces,
    thread_figures,
    thread_report_from_piece,
)
from annotate.models import AgreementFigures
from annotate.selectors.agreement import agreement_stale_count, agreement_studies
from threads.models import Article, Corpus

# Stale threads are computed this many at a time, so memory stays bounded however many
# threads a corpus has (each batch reads its rows in a fixed number of queries).
_BATCH = 200


def agreement_forget(*, article_id: int) -> None:
    """The kept figures of this thread no longer hold: its labels or texts changed."""
    AgreementFigures.objects.filter(article_id=article_id).delete()


def agreement_forget_many(*, article_ids: Iterable[int]) -> None:
    """As :func:`agreement_forget`, for many threads at once (an import, a schema change)."""
    AgreementFigures.objects.filter(article_id__in=list(article_ids)).delete()


def agreement_forget_corpus(*, corpus: Corpus) -> None:
    """Every thread's figures of ``corpus``: a label value was renamed, say."""
    AgreementFigures.objects.filter(article__corpus=corpus).delete()


@dataclass
class KeptFigures:
    """Each thread's figures and report, and the latest time any of them was computed."""

    figures: dict[int, dict[str, Any]]
    reports: dict[int, dict[str, Any]]
    latest: datetime | None


def thread_figures_get(
    *,
    corpus: Corpus,
    article_ids: Iterable[int],
    compute: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> KeptFigures:
    """The figures of each of ``article_ids``: the kept ones, and the missing ones computed and
    kept (two writers computing the same thread at once both write the same figures).

    ``compute=False`` leaves the missing ones out (a page showing what is kept while a job
    computes the rest). ``on_progress(done, total)`` is told after each batch computed.
    """
    ids = list(article_ids)
    kept: dict[int, dict[str, Any]] = {}
    reports: dict[int, dict[str, Any]] = {}
    latest = None
    rows = AgreementFigures.objects.filter(article_id__in=ids).values_list(
        "article_id", "figures", "report", "computed_at"
    )
    for pk, figures, report, computed_at in rows:
        if isinstance(figures, dict) and figures.get("version") == PIECE_VERSION:
            kept[pk], reports[pk] = figures, report
            latest = computed_at if latest is None else max(latest, computed_at)
    stale = [pk for pk in ids if pk not in kept] if compute else []
    for start in range(0, len(stale), _BATCH):
        studies = agreement_studies(corpus=corpus, article_ids=stale[start : start + _BATCH])
        computed = {pk: thread_figures(study) for pk, study in studies.items()}
        rendered = {pk: thread_report_from_piece(piece) for pk, piece in computed.items()}
        now = timezone.now()
        with transaction.atomic():
            AgreementFigures.objects.bulk_create(
                [
                    AgreementFigures(
                        article_id=pk, figures=piece, report=rendered[pk], computed_at=now
                    )
                    for pk, piece in computed.items()
                ],
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=["figures", "report", "computed_at"],
            )
        kept.update(computed)
        reports.update(rendered)
        latest = now
        if on_progress is not None:
            on_progress(min(start + _BATCH, len(stale)), len(stale))
    return KeptFigures(kept, reports, latest)


def corpus_agreement(
    *, corpus: Corpus, article_id: int | None = None, compute: bool = True
) -> dict[str, Any]:
    """``{"corpus": {...}, "threads": {external id: {...}}}`` (DESIGN.md "Agreement") for the
    corpus, or for one of its threads (``article_id``): the corpus level is then that thread.
    ``compute=False``: from the kept figures alone, the stale threads left out."""
    articles = Article.objects.filter(corpus=corpus)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    external = dict(articles.values_list("pk", "external_id"))
    kept = thread_figures_get(corpus=corpus, article_ids=external, compute=compute)
    return _report(external, kept)


def agreement_compute_corpus(
    *, corpus: Corpus, on_progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Compute and keep every stale thread's figures of ``corpus``, then its whole report
    (the API's kept JSON), as the agreement job does: (threads computed, threads)."""
    ids = list(Article.objects.filter(corpus=corpus).values_list("pk", flat=True))
    stale = agreement_stale_count(corpus=corpus)
    thread_figures_get(corpus=corpus, article_ids=ids, on_progress=on_progress)
    corpus_agreement_json(corpus=corpus)
    return stale, len(ids)


def _report(external: dict[int, str], kept: KeptFigures) -> dict[str, Any]:
    """The corpus level pooled from the kept figures, beside each thread's kept report."""
    return {
        "corpus": corpus_level_from_pieces(
            {external[pk]: piece for pk, piece in kept.figures.items()}
        ),
        "threads": {
            external[pk]: kept.reports[pk]
            for pk in sorted(kept.reports, key=lambda pk: external[pk])
        },
    }


def corpus_agreement_json(*, corpus: Corpus) -> bytes:
    """The whole corpus report as JSON, kept in the shared cache while no thread changed.

    Rendering a report from 1,000 threads' kept figures takes seconds (each thread's report
    is rendered, and the corpus pools them all); a reader should not wait for that when
    nothing changed. The cache key names the number of kept threads and the latest time one
    was computed: a forgotten thread lowers the count, a recomputed one moves the time, and
    either way the key changes. Two queries when the report is kept.
    """
    n_threads = Article.objects.filter(corpus=corpus).count()
    stamp = AgreementFigures.objects.filter(article__corpus=corpus).aggregate(
        n=Count("pk"), latest=Max("computed_at")
    )
    if stamp["n"] == n_threads and stamp["latest"] is not None:
        kept = cache.get(_report_key(corpus, n_threads, stamp["latest"]))
        if kept is not None:
            return cast(bytes, kept)
    external = dict(Article.objects.filter(corpus=corpus).values_list("pk", "external_id"))
    figures = thread_figures_get(corpus=corpus, article_ids=external)
    data = json.dumps(_report(external, figures), ensure_ascii=False).encode()
    if figures.latest is not None:
        cache.set(_report_key(corpus, len(figures.figures), figures.latest), data, _REPORT_TTL)
    return data


# A kept report is found again only under the same key, so the time to live only bounds how
# long an unused one takes room in the cache.
_REPORT_TTL = 7 * 24 * 3600


def _report_key(corpus: Corpus, n_threads: int, latest: datetime) -> str:
    return f"agreement:{PIECE_VERSION}:{corpus.pk}:{n_threads}:{latest.isoformat()}"
