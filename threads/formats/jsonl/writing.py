"""Writing: ThreadRecords as jsonl lines, byte for byte as json.dumps(ensure_ascii=False)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from threads.formats.jsonl.keys import (
    CLAIM_KEYS,
    GOLD_CLAIM_KEYS,
    GOLD_REPLY_LABEL_KEYS,
    REPLY_LABEL_KEYS,
)
from threads.formats.records import (
    ThreadRecord,
    format_datetime,
)


def write(threads: Iterable[ThreadRecord], out: TextIO) -> int:
    """Write one line per thread to ``out``; return the number of threads written."""
    count = 0
    for thread in threads:
        out.write(dumps_line(thread).decode("utf-8"))
        count += 1
    return count


def dumps_thread(thread: ThreadRecord) -> str:
    """One thread as its jsonl line (without the newline)."""
    return dumps_line(thread)[:-1].decode("utf-8")


def dumps_line(thread: ThreadRecord) -> bytes:
    """One thread as its jsonl line in UTF-8, newline included.

    Byte for byte ``json.dumps(thread_to_dict(thread), ensure_ascii=False)``
    (the layout of every export so far: ", " and ": " between items), but put
    together from the line's known shape, with orjson encoding the strings,
    integers and nulls, which it writes exactly as json does without
    ensure_ascii (no escape but the required ones: quotes, backslashes,
    control characters). Anything else (floats, nested meta, times with
    offsets in seconds) goes through json; orjson's one refusal, an integer
    past 64 bits, sends the whole line through json.
    """
    try:
        return _line(thread)
    except orjson.JSONEncodeError:
        return (_encode(thread_to_dict(thread)) + "\n").encode("utf-8")


def thread_to_dict(thread: ThreadRecord) -> dict[str, Any]:
    """The jsonl object for a thread, keys in the documented order.

    :func:`dumps_line` writes what ``json.dumps`` writes for this dict (tests compare the two).
    """
    iso = format_datetime
    return {
        "id": thread.id,
        "title": thread.title,
        "body": thread.body,
        "author": thread.author or "",
        # No URL is null, as a file without one says it: "url": null comes back null.
        "url": thread.url or None,
        "created_at": format_datetime(thread.created_at),
        "meta": thread.meta or {},
        "comments": [
            {
                "id": c.id,
                "parent_id": c.parent_id,
                "author": c.author or "",
                "text": c.text,
                "created_at": None if c.created_at is None else iso(c.created_at),
                "meta": c.meta or {},
            }
            for c in thread.comments
        ],
        "annotations": labels_to_dict(thread.annotations),
        "gold": labels_to_dict(thread.gold, gold=True),
    }


def labels_to_dict(
    labels: dict[str, list[dict[str, Any]]] | None, *, gold: bool = False
) -> dict[str, Any]:
    """``{"claims": [...], "reply_labels": [...]}`` with each dict's keys in documented order
    (gold ones with ``settled_by`` and ``source``)."""
    if not labels:
        return {"claims": [], "reply_labels": []}
    claim_keys = GOLD_CLAIM_KEYS if gold else CLAIM_KEYS
    label_keys = GOLD_REPLY_LABEL_KEYS if gold else REPLY_LABEL_KEYS
    return {
        "claims": [
            {key: c.get(key, _DEFAULTS.get(key)) for key in claim_keys}
            for c in labels.get("claims", ())
        ],
        "reply_labels": [
            {key: r.get(key, _DEFAULTS.get(key)) for key in label_keys}
            for r in labels.get("reply_labels", ())
        ],
    }


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


_encode = json.JSONEncoder(ensure_ascii=False, default=_default).encode

_dumps = orjson.dumps
_NAIVE_UTC = orjson.OPT_NAIVE_UTC
# Types orjson writes as json does (ints up to 64 bits; past that it raises).
_EXACT = frozenset((str, int, bool, type(None)))

_LINE = (
    b'{"id": %b, "title": %b, "body": %b, "author": %b, "url": %b, "created_at": %b, '
    b'"meta": %b, "comments": [%b], "annotations": %b, "gold": %b}\n'
)
_COMMENT = b'{"id": %b, "parent_id": %b, "author": %b, "text": %b, "created_at": %b, "meta": %b}'
_SECTION = b'{"claims": [%b], "reply_labels": [%b]}'
_EMPTY_SECTION = _SECTION % (b"", b"")
_CLAIM = (
    b'{"id": %b, "annotator": %b, "comment_id": %b, "start": %b, "end": %b, "text": %b, '
    b'"claim_type": %b, "stance": %b, "stance_target": %b, "note": %b, "created_at": %b, '
    b'"updated_at": %b, "relations": %b, "attributes": %b}'
)
_TARGET = CLAIM_KEYS.index("stance_target")
# What a record without the key is written with (DESIGN.md's export always has them).
_DEFAULTS: dict[str, Any] = {"relations": [], "attributes": {}, "toward": "parent"}
_STRUCTURED = ("relations", "attributes")
_RELATIONS = CLAIM_KEYS.index("relations")
_REPLY_LABEL = b'{"annotator": %b, "comment_id": %b, "label": %b, "toward": %b}'
_GOLD_CLAIM = _CLAIM[:-1] + b', "settled_by": %b, "source": %b}'
_GOLD_REPLY_LABEL = _REPLY_LABEL[:-1] + b', "settled_by": %b, "source": %b}'


def _line(thread: ThreadRecord) -> bytes:
    dumps, value, time = _dumps, _value, _time
    comments: list[bytes] = []
    append = comments.append
    for c in thread.comments:
        cid, parent, author, text, created, meta = (
            c.id,
            c.parent_id,
            c.author,
            c.text,
            c.created_at,
            c.meta,
        )
        append(
            _COMMENT
            % (
                dumps(cid) if type(cid) is str else value(cid),
                b"null" if parent is None else value(parent),
                dumps(author) if type(author) is str else value(author or ""),
                dumps(text) if type(text) is str else value(text),
                b"null" if created is None else time(created),
                b"{}" if not meta else value(meta),
            )
        )
    return _LINE % (
        value(thread.id),
        value(thread.title),
        value(thread.body),
        value(thread.author or ""),
        value(thread.url or None),
        time(thread.created_at),
        value(thread.meta or {}),
        b", ".join(comments),
        _section(thread.annotations),
        _section(thread.gold, gold=True),
    )


def _section(labels: dict[str, list[dict[str, Any]]] | None, *, gold: bool = False) -> bytes:
    if not labels:
        return _EMPTY_SECTION
    dumps, value, exact = _dumps, _value, _EXACT
    claim_keys, claim_line = (GOLD_CLAIM_KEYS, _GOLD_CLAIM) if gold else (CLAIM_KEYS, _CLAIM)
    label_keys, label_line = (
        (GOLD_REPLY_LABEL_KEYS, _GOLD_REPLY_LABEL) if gold else (REPLY_LABEL_KEYS, _REPLY_LABEL)
    )
    claims: list[bytes] = []
    for claim in labels.get("claims", ()):
        # Relations and attributes (lists and objects) are encoded apart, so the other, plain
        # values keep orjson's fast path.
        values = [claim.get(key) for key in claim_keys if key not in _STRUCTURED]
        target = values[_TARGET]
        if type(target) is not str:
            values[_TARGET] = None
        if exact.issuperset(map(type, values)):
            encoded = list(map(dumps, values))
        else:
            encoded = list(map(value, values))
        if type(target) is not str:
            encoded[_TARGET] = value(target)
        relations, attributes = claim.get("relations"), claim.get("attributes")
        encoded.insert(_RELATIONS, value(relations) if relations else b"[]")
        encoded.insert(_RELATIONS + 1, value(attributes) if attributes else b"{}")
        claims.append(claim_line % tuple(encoded))
    labels_out: list[bytes] = []
    for label in labels.get("reply_labels", ()):
        values = [label.get(key, _DEFAULTS.get(key)) for key in label_keys]
        if exact.issuperset(map(type, values)):
            labels_out.append(label_line % tuple(map(dumps, values)))
        else:
            labels_out.append(label_line % tuple(map(value, values)))
    return _SECTION % (b", ".join(claims), b", ".join(labels_out))


def _value(value: Any) -> bytes:
    """Any value as ``json.dumps(value, ensure_ascii=False)`` writes it, in UTF-8."""
    kind = type(value)
    if kind in _EXACT:
        return _dumps(value)
    if kind is dict and len(value) == 1 and "claim" in value and type(value["claim"]) in _EXACT:
        return b'{"claim": %b}' % _dumps(value["claim"])  # a claim's claim target
    if kind is datetime:
        return _time(value)
    return _encode(value).encode("utf-8")


def _time(value: datetime | None) -> bytes:
    """A time as the writers write it: ISO 8601, a naive time taken as UTC (null for None)."""
    if value is None:
        return b"null"
    if type(value) is datetime and (value.tzinfo is None or value.tzinfo is UTC):
        # orjson writes these as isoformat() does; an offset with seconds it would cut short.
        return _dumps(value, option=_NAIVE_UTC)
    return _dumps(format_datetime(value))
