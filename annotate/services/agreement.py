"""Agreement figures, kept per thread: computed where labels changed, read from the kept rows
everywhere else.

A thread's figures (``annotate.agreement.thread_figures``) are computed from its labels and
kept in ``AgreementFigures``; every service that changes an annotator's label, an assignment's
status or a thread's texts calls :func:`agreement_forget`, and the next read computes that
thread again, not the corpus. Measured with ``bench/agreement.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from annotate.agreement import PIECE_VERSION, corpus_report_from_pieces, thread_figures
from annotate.models import AgreementFigures
from annotate.selectors.agreement import agreement_studies
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


def thread_figures_get(*, corpus: Corpus, article_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The figures of each of ``article_ids``: the kept ones, and the missing ones computed and
    kept (two writers computing the same thread at once both write the same figures)."""
    ids = list(article_ids)
    kept: dict[int, dict[str, Any]] = {
        pk: figures
        for pk, figures in AgreementFigures.objects.filter(article_id__in=ids).values_list(
            "article_id", "figures"
        )
        if isinstance(figures, dict) and figures.get("version") == PIECE_VERSION
    }
    stale = [pk for pk in ids if pk not in kept]
    for start in range(0, len(stale), _BATCH):
        studies = agreement_studies(corpus=corpus, article_ids=stale[start : start + _BATCH])
        computed = {pk: thread_figures(study) for pk, study in studies.items()}
        with transaction.atomic():
            AgreementFigures.objects.bulk_create(
                [AgreementFigures(article_id=pk, figures=f) for pk, f in computed.items()],
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=["figures", "computed_at"],
            )
        kept.update(computed)
    return kept


def corpus_agreement(*, corpus: Corpus, article_id: int | None = None) -> dict[str, Any]:
    """``{"corpus": {...}, "threads": {external id: {...}}}`` (DESIGN.md "Agreement") for the
    corpus, or for one of its threads (``article_id``): the corpus level is then that thread."""
    articles = Article.objects.filter(corpus=corpus)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    external = dict(articles.values_list("pk", "external_id"))
    figures = thread_figures_get(corpus=corpus, article_ids=external)
    return corpus_report_from_pieces({external[pk]: piece for pk, piece in figures.items()})
