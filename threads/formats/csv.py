"""CSV export: one row per claim, annotators' claims first, then gold.

Columns (``COLUMNS``): thread_id, comment_id, depth, parent_id, annotator, gold,
claim_id, start, end, text, claim_type, stance, stance_target, note,
created_at, updated_at, settled_by, source, relations, attributes.

- A claim on the article body has empty comment_id, depth and parent_id.
- depth is zero-based (0 = top-level comment), taken from the records, or
  computed from the parent links when a reader left it unset.
- gold is ``true`` or ``false``; a gold row's settled_by is the reviewer who settled it and
  source the annotator it was accepted from (empty when the reviewer drew it); both are
  empty on an annotator's own row.
- stance_target is ``thesis``, ``parent`` (or another schema target name), or
  ``claim:<id>`` for a claim that targets another claim.
- start/end are code point offsets, ``[start, end)``; times are ISO 8601.
- relations and attributes are JSON as in the jsonl export (``[{"type": "support", "claim":
  3}]``, the claim id as in claim_id; ``{"Confidence": "high"}``), empty when there are none.

Rows are written as each thread arrives, so memory stays flat.
"""

from __future__ import annotations

import csv
import io
import json
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
    "settled_by",
    "source",
    "relations",
    "attributes",
)


HEADER = ",".join(COLUMNS) + "\r\n"  # no column name needs quoting


def write(threads: Iterable[ThreadRecord], out: TextIO) -> int:
    """Write the header and one row per claim to ``out``; return the rows written (no header)."""
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(HEADER)
    rows = 0
    for thread in threads:
        batch = thread_rows(thread)
        writer.writerows(batch)
        rows += len(batch)
    return rows


def dumps_rows(thread: ThreadRecord) -> bytes:
    """The rows of one thread's claims as :func:`write` writes them, in UTF-8 (b"" for none)."""
    rows = thread_rows(thread)
    if not rows:
        return b""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def thread_rows(thread: ThreadRecord) -> list[tuple[Any, ...]]:
    """The CSV rows (without header) of one thread's claims."""
    sections = [(thread.annotations, "false"), (thread.gold, "true")]
    if not any(section and section.get("claims") for section, _ in sections):
        return []
    comments = thread.comments
    if any(c.depth is None for c in comments):
        depths = compute_depths(comments)
    else:
        depths = {c.id: c.depth for c in comments}  # type: ignore[misc]
    places: dict[Any, tuple[Any, Any, Any]] = {}  # comment id -> (id, depth, parent id)
    for c in comments:
        depth = depths.get(c.id)
        places[c.id] = (c.id, "" if depth is None else depth, c.parent_id or "")
    thread_id = thread.id
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for section, gold in sections:
        if not section:
            continue
        for claim in section.get("claims", ()):
            get = claim.get
            comment_id = get("comment_id")
            target = get("stance_target")
            if isinstance(target, dict):
                target = f"claim:{target.get('claim')}"
            elif target is None:
                target = ""
            if comment_id is None:
                where = _NOWHERE
            else:
                where = places.get(comment_id) or (comment_id, "", "")
            created, updated = get("created_at"), get("updated_at")
            append(
                (
                    thread_id,
                    *where,
                    get("annotator", ""),
                    gold,
                    get("id", ""),
                    get("start", ""),
                    get("end", ""),
                    get("text", ""),
                    get("claim_type", ""),
                    get("stance", ""),
                    target,
                    get("note") or "",
                    created if type(created) is str else _time(created),
                    updated if type(updated) is str else _time(updated),
                    get("settled_by") or "",
                    get("source") or "",
                    _json(get("relations")),
                    _json(get("attributes")),
                )
            )
    return rows


_NOWHERE = ("", "", "")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def _time(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value) or ""
    return str(value)
