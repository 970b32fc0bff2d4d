"""Plain records that every format codec reads into and writes from.

The codecs in this package are pure: bytes in, these records out, and back.
They know nothing of the database or of the annotation models; annotations
travel as plain dicts in the shape of the jsonl export (DESIGN.md "Export").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


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


@dataclass
class ReadOptions:
    """What a reader of a labelled corpus needs besides the file (DESIGN.md "Labelled corpora").

    The unlabelled formats ignore it. ``counts`` is how a reader reports what it
    noticed and handled (``counts["deleted tweets left out"] += 3``): the import's
    summary prints each count that is not zero, under its key.
    """

    labels: Path | None = None  # pheme: the RumourEval task A labels file
    annotator: str | None = None  # whose labels the file's labels become
    as_gold: bool = False  # the file's labels become gold, settled by ``annotator``
    stance_attribute: str = "Stance"  # brat: the attribute that holds a claim's stance
    strict_schema: bool = False  # refuse label values the corpus schema lacks (not add them)
    # The corpus's reply label names, for readers to check a labels file against at once
    # (None: the default schema's). The import fills it from the corpus.
    reply_labels: frozenset[str] | None = None
    counts: Counter[str] = field(default_factory=Counter)


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


# --- what no codec lets through ----------------------------------------------------------
#
# JSON and text files can carry values no database stores: NaN and Infinity (json reads
# them; JSON forbids them), the NUL character (PostgreSQL refuses it in text and jsonb)
# and lone UTF-16 surrogates from a "\ud800" escape (no UTF-8 encodes them). Each codec
# refuses them here, with the file, line and field, before anything reaches a database.

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
URL_SCHEMES = ("http", "https")


class NonFinite(float):
    """NaN or Infinity as json read it (``parse_constant=NonFinite.read``), to be refused."""

    token: str

    @classmethod
    def read(cls, token: str) -> NonFinite:
        value = cls(token.replace("Infinity", "inf"))
        value.token = token
        return value


def _storable(value: Any) -> bool:
    """Whether ``value`` holds nothing :func:`_problem` would name: the same test, without
    building a field name for every value it passes (an import's labels hold millions)."""
    search = _UNSTORABLE.search
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if search(item) is not None:
                return False
        elif kind is dict:
            for key, inner in item.items():
                if type(key) is str and search(key) is not None:
                    return False
                if type(inner) is str:
                    if search(inner) is not None:
                        return False
                elif inner is not None and type(inner) is not int and type(inner) is not bool:
                    stack.append(inner)
        elif kind is list:
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            return False
    return True


def _problem(value: Any, path: str) -> tuple[str, str] | None:
    """(field, what is wrong) for the first unstorable thing in ``value``, or None."""
    kind = type(value)
    if kind is str:
        match = _UNSTORABLE.search(value)
        if match is None:
            return None
        char = match.group()
        if char == "\x00":
            return path, f"holds a NUL character (\\u0000) at character {match.start() + 1}"
        return path, (
            f"holds a lone surrogate (\\u{ord(char):04x}) at character {match.start() + 1},"
            " which no UTF-8 text can hold"
        )
    if kind is dict:
        for key, item in value.items():
            name = f"{path}.{key}" if type(key) is str else f"{path}.{key!r}"
            found_key = _problem(key, f"{path} (a key)") if type(key) is str else None
            found = found_key or _problem(item, name)
            if found:
                return found
        return None
    if kind is list:
        for index, item in enumerate(value):
            found = _problem(item, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(value, float) and not math.isfinite(value):
        token = getattr(value, "token", None) or ("NaN" if math.isnan(value) else "Infinity")
        return path, f"is {token}, which JSON does not allow: write null or a number"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is no article link to keep (None: an http(s) URL, or no URL at all).

    Only http and https: a ``javascript:`` or ``data:`` URL shown as a link would run
    or carry code, and ``ftp:`` and the rest are no web page a reader can open.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        scheme = f"a {parts.scheme}: URL" if parts.scheme else "not an absolute URL"
        return f"is {scheme}; only http:// and https:// links are accepted"
    return None


def record_checked(
    thread: ThreadRecord, *, file: str | None, values_storable: bool = False
) -> ThreadRecord:
    """``thread`` if every value in it can be stored; else a FormatError naming the field.

    Looks at every string (ids, title, body, authors, texts, labels, notes), every
    ``meta`` to its depth, and the article URL. The line is the comment's, or the thread's.
    ``values_storable`` says the reader has ruled the values out already (orjson refuses NaN,
    Infinity and lone surrogates, and the text held no ``\\u0000``): the URL alone is checked.
    """

    def fail(field: str, problem: str, line: int | None) -> FormatError:
        return FormatError(f'"{field}" {problem}', file=file, line=line, record=thread.id)

    if values_storable:
        wrong = url_problem(thread.url) if thread.url else None
        if wrong:
            raise fail("url", wrong, thread.line)
        return thread

    head = (
        ("id", thread.id),
        ("title", thread.title),
        ("body", thread.body),
        ("author", thread.author),
        ("url", thread.url),
        ("meta", thread.meta),
    )
    for name, value in head:
        found = None if _storable(value) else _problem(value, name)
        if found:
            raise fail(*found, thread.line)
    if thread.url:
        wrong = url_problem(thread.url)
        if wrong:
            raise fail("url", wrong, thread.line)
    search = _UNSTORABLE.search
    for comment in thread.comments:
        text, author = comment.text, comment.author
        # The common case in one test per comment; the walk names the problem.
        if (
            type(text) is str
            and search(text) is None
            and (not author or (type(author) is str and search(author) is None))
            and not comment.meta
            and type(comment.id) is str
            and search(comment.id) is None
            and (comment.parent_id is None or search(comment.parent_id) is None)
        ):
            continue
        where = f"comment {comment.id!r}: " if type(comment.id) is str else "comment: "
        fields: tuple[tuple[str, Any], ...] = (
            ("id", comment.id),
            ("parent_id", comment.parent_id),
            ("author", author),
            ("text", text),
            ("meta", comment.meta),
        )
        for name, value in fields:
            found = None if _storable(value) else _problem(value, name)
            if found:
                raise FormatError(
                    f'{where}"{found[0]}" {found[1]}',
                    file=file,
                    line=comment.line or thread.line,
                    record=thread.id,
                )
    for section, labels in (("annotations", thread.annotations), ("gold", thread.gold)):
        if labels and not _storable(labels):
            found = _problem(labels, section)
            if found:
                raise fail(*found, thread.line)
    return thread
