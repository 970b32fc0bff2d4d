"""Reading: a jsonl file, line by line, into ThreadRecords (what is checked: the package)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from threads.formats.jsonl.labels import check_labels
from threads.formats.jsonl.values import as_id, kind_of, opt_meta, opt_str, opt_time
from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ThreadRecord,
    record_checked,
)


def read(path: Path) -> Iterator[ThreadRecord]:
    """Yield the threads of the jsonl file at ``path``, one per non-blank line."""
    file = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below, in the generator
    except FileNotFoundError:
        raise FormatError("no such file", file=file) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield parse_line(raw, file=file, line=number)


def parse_line(
    raw: bytes | str, *, file: str | None = None, line: int | None = None
) -> ThreadRecord:
    """The thread on one jsonl line (bytes or text)."""
    if isinstance(raw, bytes) and line == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        # orjson reads the bytes as they are, several times faster than decoding and json.
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # The slower path below names the problem the way a person can act on it, and
        # still takes what json takes and orjson refuses (integers past 64 bits; NaN and
        # lone surrogates, which record_checked then refuses naming the field).
        obj = _loads_slowly(raw, file=file, line=line)
        storable = False
    else:
        # orjson refuses NaN, Infinity and lone surrogates; of what no database stores, only
        # the NUL character gets through it, and only as the escape \u0000.
        text = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
        storable = b"\\u0000" not in text
    return thread_from_dict(obj, file=file, line=line, values_storable=storable)


def _loads_slowly(raw: bytes | str, *, file: str | None, line: int | None) -> Any:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
                " cannot be decoded); save the file as UTF-8",
                file=file,
                line=line,
            ) from None
    else:
        text = raw
    try:
        obj = json.loads(text, parse_constant=NonFinite.read)
    except json.JSONDecodeError as exc:
        cut = "" if text.endswith("\n") else " (the line looks cut short: is the file complete?)"
        raise FormatError(
            f"invalid JSON: {exc.msg} at column {exc.colno}{cut}", file=file, line=line
        ) from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply", file=file, line=line) from None
    return obj


def thread_from_dict(
    obj: Any,
    *,
    file: str | None = None,
    line: int | None = None,
    values_storable: bool = False,
) -> ThreadRecord:
    """A ThreadRecord from one decoded jsonl object, checked (``values_storable``: the decoder
    has already ruled out every value no database stores, see ``record_checked``)."""
    if type(obj) is not dict:
        raise FormatError(
            f"expected a JSON object for a thread, found {kind_of(obj)}", file=file, line=line
        )
    record = None
    raw_id = obj.get("id")

    def fail(message: str) -> FormatError:
        return FormatError(message, file=file, line=line, record=record)

    if "id" not in obj:
        raise fail('missing required field "id"')
    thread_id = as_id(raw_id)
    if thread_id is None:
        raise fail(f'"id" must be a non-empty string or an integer, not {kind_of(raw_id)}')
    record = thread_id
    for key in ("title", "body", "comments"):
        if key not in obj:
            raise fail(f'missing required field "{key}"')
    title, body, raw_comments = obj["title"], obj["body"], obj["comments"]
    if type(title) is not str:
        raise fail(f'"title" must be a string, not {kind_of(title)}')
    if type(body) is not str:
        raise fail(f'"body" must be a string, not {kind_of(body)}')
    if type(raw_comments) is not list:
        raise fail(f'"comments" must be a list, not {kind_of(raw_comments)}')

    comments: list[CommentRecord] = []
    texts: dict[str, str] = {}
    for index, c in enumerate(raw_comments):
        if type(c) is not dict:
            raise fail(f"comment {index + 1} must be an object, not {kind_of(c)}")
        if "id" not in c:
            raise fail(f'comment {index + 1} is missing required field "id"')
        cid = as_id(c["id"])
        if cid is None:
            raise fail(f'comment {index + 1}: "id" must be a non-empty string or an integer')
        if cid in texts:
            raise fail(f"duplicate comment id {cid!r}")
        if "parent_id" not in c:
            raise fail(
                f'comment {cid!r} is missing required field "parent_id" (null for top level)'
            )
        parent = c["parent_id"]
        if parent is not None:
            parent = as_id(parent)
            if parent is None:
                raise fail(f'comment {cid!r}: "parent_id" must be a string, an integer or null')
        if "text" not in c:
            raise fail(f'comment {cid!r} is missing required field "text"')
        text = c["text"]
        if type(text) is not str:
            raise fail(f'comment {cid!r}: "text" must be a string, not {kind_of(text)}')
        texts[cid] = text
        # Fast paths inline: this loop runs once per comment of the corpus.
        author = c.get("author")
        if type(author) is not str:
            author = opt_str(author, f'comment {cid!r}: "author"', fail)
        created = c.get("created_at")
        if created is not None:
            created = opt_time(created, f'comment {cid!r}: "created_at"', fail)
        meta = c.get("meta")
        if type(meta) is not dict:
            meta = opt_meta(meta, f'comment {cid!r}: "meta"', fail)
        comments.append(
            CommentRecord(
                id=cid,
                parent_id=parent,
                text=text,
                author=author,
                created_at=created,
                meta=meta,
                line=line,
            )
        )

    thread = ThreadRecord(
        id=thread_id,
        title=title,
        body=body,
        author=opt_str(obj.get("author"), '"author"', fail),
        url=opt_str(obj.get("url"), '"url"', fail),
        created_at=opt_time(obj.get("created_at"), '"created_at"', fail),
        meta=opt_meta(obj.get("meta"), '"meta"', fail),
        comments=comments,
        line=line,
    )
    for section in ("annotations", "gold"):
        value = obj.get(section)
        if value is not None:
            labels = check_labels(value, section, body, texts, fail)
            if section == "annotations":
                thread.annotations = labels
            else:
                thread.gold = labels
    return record_checked(thread, file=file, values_storable=values_storable)
