"""The agreement page of a corpus: its figures as tables, where its threads sit, and the
annotator-pair matrix (DESIGN.md "Agreement"; the API serves the same figures)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from annotate.access import get_corpus_for_reader
from annotate.agreement.records import pair_key
from annotate.models import JobState
from annotate.reports.charts import scatter
from annotate.selectors.agreement import agreement_stale_count
from annotate.selectors.jobs import agreement_job_latest, job_status
from annotate.services.agreement import corpus_agreement
from annotate.services.jobs import agreement_job_ensure
from threads.models import Corpus


def pair_matrix(annotators: list[str], figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the annotators × annotators matrix: each cell the pair's kappa and F1."""
    rows = []
    for first in annotators:
        row: list[dict[str, Any] | None] = []
        for second in annotators:
            if first == second:
                row.append(None)
                continue
            key = pair_key(first, second)
            row.append({"kappa": figures["kappa"].get(key), "f1": figures["f1"].get(key)})
        rows.append({"annotator": first, "cells": row})
    return rows


class ReaderRequest(HttpRequest):
    htmx: HtmxDetails  # django-htmx's middleware


@require_GET
@vary_on_headers("HX-Request")
def agreement(request: ReaderRequest, slug: str) -> HttpResponse:
    """The corpus's agreement figures, for its reviewers, researchers and admins.

    Up to ``AGREEMENT_INLINE_THREADS`` stale threads are computed here; past that a job
    computes them (one per corpus, however many readers open the page) while the page shows
    the kept figures and polls until they are all kept, then reloads.
    """
    corpus = get_corpus_for_reader(request.user, slug)
    if request.htmx:
        return _computing(request, corpus)
    computing = None
    stale = agreement_stale_count(corpus=corpus)
    if stale > settings.AGREEMENT_INLINE_THREADS:
        user = request.user if isinstance(request.user, User) else None
        status = job_status(agreement_job_ensure(corpus=corpus, user=user))
        if status.state != JobState.SUCCEEDED:  # an immediate backend has already run it
            computing = status
    report = corpus_agreement(corpus=corpus, compute=computing is None)
    level = report["corpus"]
    threads = [
        {
            "id": thread_id,
            "annotators": len(figures["annotators"]),
            "alpha_u": figures["claims"]["alpha_u"]["pooled"]["alpha"],
            "alpha_nominal": figures["reply_labels"]["alpha_nominal"],
            "f1": figures["claims"]["span_f1"]["overlap"]["micro"],
            "kappa": figures["reply_labels"]["kappa_mean_pairwise"],
            # Where the corpus labels both directions: the one toward the root, the article.
            "root": figures.get("reply_labels_by_direction", {}).get("root"),
        }
        for thread_id, figures in report["threads"].items()
    ]
    chart = scatter([(t["id"], t["alpha_u"], t["alpha_nominal"]) for t in threads])
    return render(
        request,
        "annotate/reports/agreement.html",
        {
            "corpus": corpus,
            "level": level,
            "threads": threads,
            "chart": chart,
            "matrix": pair_matrix(level["annotators"], level["matrix"]),
            "computing": computing,
            "stale": stale,
        },
    )


def _computing(request: HttpRequest, corpus: Corpus) -> HttpResponse:
    """The page's poll while a job computes the figures: its progress, or a reload of the
    page once it is done (the figures are then all kept)."""
    job = agreement_job_latest(corpus=corpus)
    status = job_status(job) if job is not None else None
    if status is None or status.state == JobState.SUCCEEDED:
        return HttpResponseClientRefresh()
    return render(
        request,
        "annotate/reports/agreement.html#computing",
        {"corpus": corpus, "computing": status, "stale": None},
    )
