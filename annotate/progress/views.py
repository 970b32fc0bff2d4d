"""The progress view: a corpus's threads × annotators, their totals, the review and a chart of
labels per day; ``?format=csv`` streams the whole matrix.

Reads through :mod:`annotate.selectors.progress`: a fixed number of queries whatever the size
of the corpus (the tests assert it at two sizes; ``bench/progress.py`` times it).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from annotate.access import get_corpus_for_lead
from annotate.selectors.progress import (
    CHART_DAYS,
    Day,
    progress_annotators,
    progress_overview,
    progress_rows,
    progress_rows_all,
    progress_threads,
)
from threads.models import Corpus

PAGE = "annotate/progress/progress.html"
THREADS_PER_PAGE = 100

# The chart's drawing box (SVG user units); bars are laid out here, drawn by the template.
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 720, 160, 12


@vary_on_headers("HX-Request")
@require_GET
def progress(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    corpus = get_corpus_for_lead(request.user, slug)
    annotators = progress_annotators(corpus=corpus)
    if request.GET.get("format") == "csv":
        return _csv(corpus, annotators)
    page = Paginator(progress_threads(corpus=corpus), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "corpus": corpus,
        "annotators": annotators,
        "page": page,
        "rows": progress_rows(articles=list(page.object_list), annotators=annotators),
    }
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        return render(request, f"{PAGE}#matrix", context)
    overview = progress_overview(corpus=corpus, annotators=annotators)
    context["overview"] = overview
    context["chart"] = _chart(overview.days)
    context["chart_days"] = CHART_DAYS
    return render(request, PAGE, context)


def _chart(days: Sequence[Day]) -> dict[str, Any]:
    """Bar positions for the labels-per-day SVG: claims stacked under reply labels."""
    if not days:
        return {"bars": [], "max": 0}
    top = max(d.labels for d in days) or 1
    slot = CHART_WIDTH / len(days)
    usable = CHART_HEIGHT - CHART_TOP
    bars = []
    for i, day in enumerate(days):
        claims_h = usable * day.claims / top
        replies_h = usable * day.reply_labels / top
        bars.append(
            {
                "day": day,
                "x": round(i * slot + slot * 0.1, 2),
                "width": round(max(slot * 0.8, 1), 2),
                "claims_y": round(CHART_HEIGHT - claims_h, 2),
                "claims_h": round(claims_h, 2),
                "replies_y": round(CHART_HEIGHT - claims_h - replies_h, 2),
                "replies_h": round(replies_h, 2),
            }
        )
    return {
        "bars": bars,
        "max": top,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "top_y": CHART_TOP,
        "first": days[0].day,
        "last": days[-1].day,
    }


class _Echo:
    """csv.writer writes into this; each row comes back as the string to send."""

    def write(self, value: str) -> str:
        return value


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets a
    leading apostrophe: this CSV is made for spreadsheets, and titles come from the web."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(corpus: Corpus, annotators: Sequence[User]) -> StreamingHttpResponse:
    """The whole matrix, one row per thread, streamed: ``<annotator> status`` and
    ``<annotator> labelled`` columns for each annotator."""
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        header = ["thread_id", "title", "comments", "review_status"]
        for user in annotators:
            header += [f"{user.username} status", f"{user.username} labelled"]
        yield writer.writerow(header)
        for row in progress_rows_all(corpus=corpus, annotators=annotators):
            line: list[Any] = [
                _cell(row.external_id),
                _cell(row.title),
                row.comments,
                row.review_status,
            ]
            for cell in row.cells:
                line += [cell.status or "", cell.labelled if cell.status else ""]
            yield writer.writerow(line)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{corpus.slug}-progress.csv"'
    return response
