"""CSV export: one row per claim, annotators' claims first, then gold.

Columns (``COLUMNS``): thread_id, comment_id, depth, parent_id, annotator, gold,
claim_id, start, end, text, claim_type, stance, stance_target, note,
created_at, updated_at.

- A claim on the article body has empty comment_id, depth and parent_id.
- depth is zero-based (0 = top-level comment), taken from the records, or
  computed from the parent links when a reader left it unset.
- gold is ``true`` or ``false``.
- stance_target is ``thesis``, ``parent`` (or another schema target name), or
  ``claim:<id>`` for a claim that targets another claim.
- start/end are code point offsets, ``[start, end)``; times are ISO 8601.

Rows are written as each thread arrives, so memory stays flat.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from threads.formats.records import ThreadRecord, format_datetime
from threads.formats.tree import compute_depths

COLUMNS = (
    "thread_id",
    "comment_id",
    "depth",
    "parent_id",
    "annotator",
    "gold",
    "claim_id",
    "start",
    "end",
    "text",
    "claim_type",
    "stance",
    "stance_target",
    "note",
    "created_at",
    "updated_at",
)


def write(threads: Iterable[ThreadRecord], out: TextIO) -> int:
    """Write the header and one row per claim to ``out``; return the rows written (no header)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = 0
    for thread in threads:
        batch = thread_rows(thread)
        writer.writerows(batch)
        rows += len(batch)
    return rows


def thread_rows(thread: ThreadRecord) -> list[list[Any]]:
    """The CSV rows (without header) of one thread's claims."""
    sections = [(thread.annotations, "false"), (thread.gold, "true")]
    if not any(section and section.get("claims") for section, _ in sections):
        return []
    comments = thread.comments
    if any(c.depth is None for c in comments):
        depths = compute_depths(comments)
    else:
        depths = {c.id: c.depth for c in comments}  # type: ignore[misc]
    parents = {c.id: c.parent_id for c in comments}
    rows: list[list[Any]] = []
    for section, gold in sections:
        if not section:
            continue
        for claim in section.get("claims", ()):
            comment_id = claim.get("comment_id")
            target = claim.get("stance_target")
            if isinstance(target, dict):
                target = f"claim:{target.get('claim')}"
            where: list[Any]
            if comment_id is None:
                where = ["", "", ""]
            else:
                depth = depths.get(comment_id)
                where = [comment_id, "" if depth is None else depth, parents.get(comment_id) or ""]
            rows.append(
                [
                    thread.id,
                    *where,
                    claim.get("annotator", ""),
                    gold,
                    claim.get("id", ""),
                    claim.get("start", ""),
                    claim.get("end", ""),
                    claim.get("text", ""),
                    claim.get("claim_type", ""),
                    claim.get("stance", ""),
                    target if target is not None else "",
                    claim.get("note") or "",
                    _time(claim.get("created_at")),
                    _time(claim.get("updated_at")),
                ]
            )
    return rows


def _time(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value) or ""
    return str(value)
