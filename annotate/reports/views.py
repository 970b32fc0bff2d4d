"""The agreement page of a corpus: its figures as tables, where its threads sit, and the
annotator-pair matrix (DESIGN.md "Agreement"; the API serves the same figures)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotate.access import get_corpus_for_reader
from annotate.agreement.records import pair_key
from annotate.reports.charts import scatter
from annotate.services.agreement import corpus_agreement


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


@require_GET
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    """The corpus's agreement figures, for its reviewers, researchers and admins."""
    corpus = get_corpus_for_reader(request.user, slug)
    report = corpus_agreement(corpus=corpus)
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
        },
    )
