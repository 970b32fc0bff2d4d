"""Plain records that every format codec reads into and writes from.

The codecs in this package are pure: bytes in, these records out, and back.
They know nothing of the database or of the annotation models; annotations
travel as plain dicts in the shape of the jsonl export (DESIGN.md "Export").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


class FormatError(Exception):
    """A file that cannot be read. The message names where and what, for a person to act on."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.record = record
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [p for p in (self.file, f"line {self.line}" if self.line else None) if p]
        if self.record:
            where.append(f"record {self.record}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class CommentRecord:
    id: str
    parent_id: str | None
    text: str
    author: str = ""
    created_at: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Filled by ordering (threads.formats.tree) or by a reader that knows them.
    depth: int | None = None
    line: int | None = None  # where the reader found it, for error messages


@dataclass
class ThreadRecord:
    id: str
    title: str
    body: str
    author: str = ""
    url: str = ""
    created_at: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    comments: list[CommentRecord] = field(default_factory=list)
    # {"claims": [...], "reply_labels": [...]} as in the jsonl export, or None.
    annotations: dict[str, list[dict[str, Any]]] | None = None
    gold: dict[str, list[dict[str, Any]]] | None = None
    line: int | None = None


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 time as an aware datetime; a time without an offset is taken as UTC.

    Raises ValueError for anything else (callers turn it into a FormatError with a place).
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time as a string, not {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 for the writers (a naive time is taken as UTC); None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()
