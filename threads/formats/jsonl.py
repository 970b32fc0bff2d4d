"""JSON Lines: one thread a line, for import and for the labelled export.

A line (DESIGN.md "Import formats" and "Export")::

    {"id", "title", "body", "author"?, "url"?, "created_at"?, "meta"?,
     "comments": [{"id", "parent_id", "author"?, "text", "created_at"?, "meta"?}],
     "annotations"?: {"claims": [...], "reply_labels": [...]},
     "gold"?: {"claims": [...], "reply_labels": [...]}}

Reading streams line by line; blank lines are skipped; comments may come in any
order (``tree.order_comments`` orders them, and reports a ``parent_id`` naming
no comment and reply cycles). Ids may be strings or integers and become
strings. Times are ISO 8601; a time without an offset is UTC. Annotations and
gold come back as the plain dicts of the export, each claim with exactly the
keys of ``CLAIM_KEYS`` (``note`` defaults to "", times to null), after checks:
required keys and types, ``0 <= start < end <= len(text)`` and ``text`` equal
to that span of the comment (or article body), ``comment_id`` naming a comment
of the line (or null for the body; a reply label needs a comment), claim ids
unique within their section, and a ``{"claim": id}`` target naming another
claim of the same annotator in the same section (annotations or gold; a gold
claim may target any gold claim). Gold claims and reply labels also carry
``"settled_by"`` (the reviewer who settled it; the annotator when missing) and
``"source"`` (the annotator it was accepted from, or null when the reviewer drew
it): ``GOLD_CLAIM_KEYS`` and ``GOLD_REPLY_LABEL_KEYS``.

Every error is a FormatError with the file, the line and the thread id; values no
database stores (NaN, Infinity, NUL, lone surrogates) and a URL that is not http(s)
are refused by ``records.record_checked``, naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import orjson

from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ThreadRecord,
    format_datetime,
    parse_datetime,
    record_checked,
)

CLAIM_KEYS = (
    "id",
    "annotator",
    "comment_id",
    "start",
    "end",
    "text",
    "claim_type",
    "stance",
    "stance_target",
    "note",
    "created_at",
    "updated_at",
    "relations",
    "attributes",
)
REPLY_LABEL_KEYS = ("annotator", "comment_id", "label", "toward")
# Read and written as DESIGN.md's export has them, but only empty (relations, attributes) and
# toward the parent for now: the database holds neither relations, claim attributes nor reply
# labels toward the root yet, so a file that has them is refused rather than cut short.
SUPPORTED_TOWARD = ("parent",)
# Gold labels say who settled them and where they came from (DESIGN.md "Export").
PROVENANCE_KEYS = ("settled_by", "source")
GOLD_CLAIM_KEYS = (*CLAIM_KEYS, *PROVENANCE_KEYS)
GOLD_REPLY_LABEL_KEYS = (*REPLY_LABEL_KEYS, *PROVENANCE_KEYS)
_REQUIRED_CLAIM_KEYS = CLAIM_KEYS[:9]


# --- reading ---------------------------------------------------------------------------


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
    return thread_from_dict(obj, file=file, line=line)


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


def thread_from_dict(obj: Any, *, file: str | None = None, line: int | None = None) -> ThreadRecord:
    """A ThreadRecord from one decoded jsonl object, checked."""
    if type(obj) is not dict:
        raise FormatError(
            f"expected a JSON object for a thread, found {_kind(obj)}", file=file, line=line
        )
    record = None
    raw_id = obj.get("id")

    def fail(message: str) -> FormatError:
        return FormatError(message, file=file, line=line, record=record)

    if "id" not in obj:
        raise fail('missing required field "id"')
    thread_id = _as_id(raw_id)
    if thread_id is None:
        raise fail(f'"id" must be a non-empty string or an integer, not {_kind(raw_id)}')
    record = thread_id
    for key in ("title", "body", "comments"):
        if key not in obj:
            raise fail(f'missing required field "{key}"')
    title, body, raw_comments = obj["title"], obj["body"], obj["comments"]
    if type(title) is not str:
        raise fail(f'"title" must be a string, not {_kind(title)}')
    if type(body) is not str:
        raise fail(f'"body" must be a string, not {_kind(body)}')
    if type(raw_comments) is not list:
        raise fail(f'"comments" must be a list, not {_kind(raw_comments)}')

    comments: list[CommentRecord] = []
    texts: dict[str, str] = {}
    for index, c in enumerate(raw_comments):
        if type(c) is not dict:
            raise fail(f"comment {index + 1} must be an object, not {_kind(c)}")
        if "id" not in c:
            raise fail(f'comment {index + 1} is missing required field "id"')
        cid = _as_id(c["id"])
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
            parent = _as_id(parent)
            if parent is None:
                raise fail(f'comment {cid!r}: "parent_id" must be a string, an integer or null')
        if "text" not in c:
            raise fail(f'comment {cid!r} is missing required field "text"')
        text = c["text"]
        if type(text) is not str:
            raise fail(f'comment {cid!r}: "text" must be a string, not {_kind(text)}')
        texts[cid] = text
        # Fast paths inline: this loop runs once per comment of the corpus.
        author = c.get("author")
        if type(author) is not str:
            author = _opt_str(author, f'comment {cid!r}: "author"', fail)
        created = c.get("created_at")
        if created is not None:
            created = _opt_time(created, f'comment {cid!r}: "created_at"', fail)
        meta = c.get("meta")
        if type(meta) is not dict:
            meta = _opt_meta(meta, f'comment {cid!r}: "meta"', fail)
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
        author=_opt_str(obj.get("author"), '"author"', fail),
        url=_opt_str(obj.get("url"), '"url"', fail),
        created_at=_opt_time(obj.get("created_at"), '"created_at"', fail),
        meta=_opt_meta(obj.get("meta"), '"meta"', fail),
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
    return record_checked(thread, file=file)


def check_labels(
    value: Any, section: str, body: str, texts: dict[str, str], fail: Any
) -> dict[str, list[dict[str, Any]]]:
    """Checked annotations or gold of one thread, as plain dicts (see the module docstring).

    ``texts`` maps comment ids to their text; ``fail(message)`` builds the FormatError.
    """
    if type(value) is not dict:
        raise fail(f'"{section}" must be an object with "claims" and "reply_labels"')
    raw_claims = value.get("claims", [])
    raw_labels = value.get("reply_labels", [])
    if type(raw_claims) is not list:
        raise fail(f'"{section}.claims" must be a list, not {_kind(raw_claims)}')
    if type(raw_labels) is not list:
        raise fail(f'"{section}.reply_labels" must be a list, not {_kind(raw_labels)}')

    gold = section == "gold"
    claims: list[dict[str, Any]] = []
    annotator_of: dict[Any, str] = {}
    for index, raw in enumerate(raw_claims):
        where = f"{section} claim {index + 1}"
        if type(raw) is not dict:
            raise fail(f"{where} must be an object, not {_kind(raw)}")
        for key in _REQUIRED_CLAIM_KEYS:
            if key not in raw:
                raise fail(f'{where} is missing required field "{key}"')
        claim_id = raw["id"]
        if type(claim_id) not in (int, str):
            raise fail(f'{where}: "id" must be an integer or a string')
        where = f"{section} claim {claim_id!r}"
        if claim_id in annotator_of:
            raise fail(f"duplicate claim id {claim_id!r} in {section}")
        annotator = raw["annotator"]
        if type(annotator) is not str or not annotator:
            raise fail(f'{where}: "annotator" must be a non-empty string (a username)')
        comment_id = raw["comment_id"]
        if comment_id is None:
            text = body
        else:
            comment_id = _as_id(comment_id)
            if comment_id is None or comment_id not in texts:
                raise fail(f'{where}: "comment_id" {raw["comment_id"]!r} names no comment here')
            text = texts[comment_id]
        start, end = raw["start"], raw["end"]
        if type(start) is not int or type(end) is not int:
            raise fail(f'{where}: "start" and "end" must be integers')
        if not 0 <= start < end <= len(text):
            raise fail(
                f"{where}: span [{start}, {end}) must satisfy 0 <= start < end <= {len(text)}"
                " (the text's length in code points)"
            )
        quote = raw["text"]
        if quote != text[start:end]:
            raise fail(
                f'{where}: "text" {quote!r} is not the text at [{start}, {end}):'
                f" {text[start:end]!r}"
            )
        for key in ("claim_type", "stance"):
            if type(raw[key]) is not str or not raw[key]:
                raise fail(f'{where}: "{key}" must be a non-empty string')
        target = raw["stance_target"]
        if type(target) is dict:
            if set(target) != {"claim"} or type(target["claim"]) not in (int, str):
                raise fail(f'{where}: "stance_target" must be a name or {{"claim": <id>}}')
        elif type(target) is not str or not target:
            raise fail(f'{where}: "stance_target" must be a name or {{"claim": <id>}}')
        note = raw.get("note")
        if note is None:
            note = ""
        elif type(note) is not str:
            raise fail(f'{where}: "note" must be a string')
        for key in ("created_at", "updated_at"):
            stamp = raw.get(key)
            if stamp is not None:
                try:
                    parse_datetime(stamp)
                except ValueError:
                    raise fail(f'{where}: "{key}" {stamp!r} is not an ISO 8601 time') from None
        for key, empty in (("relations", []), ("attributes", {})):
            if raw.get(key) not in (None, empty):
                raise fail(
                    f'{where}: "{key}" is not supported yet: Threadlab does not keep claim'
                    f" {key} so far, so this file would not import whole (leave it empty)"
                )
        annotator_of[claim_id] = annotator
        provenance = _provenance(raw, annotator, where, gold, fail)
        claims.append(
            {
                "id": claim_id,
                "annotator": annotator,
                "comment_id": comment_id,
                "start": start,
                "end": end,
                "text": quote,
                "claim_type": raw["claim_type"],
                "stance": raw["stance"],
                "stance_target": target,
                "note": note,
                "created_at": raw.get("created_at"),
                "updated_at": raw.get("updated_at"),
                "relations": [],
                "attributes": {},
                **provenance,
            }
        )

    for claim in claims:
        target = claim["stance_target"]
        if type(target) is dict:
            where = f"{section} claim {claim['id']!r}"
            target_id = target["claim"]
            if target_id == claim["id"]:
                raise fail(f"{where} targets itself")
            if target_id not in annotator_of:
                raise fail(f"{where} targets claim {target_id!r}, which is not in {section}")
            if not gold and annotator_of[target_id] != claim["annotator"]:
                raise fail(
                    f"{where} by {claim['annotator']!r} targets claim {target_id!r}"
                    f" by {annotator_of[target_id]!r}: a claim can only target its"
                    " annotator's own claims"
                )
    _check_target_cycles(claims, section, fail)

    labels: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_labels):
        where = f"{section} reply label {index + 1}"
        if type(raw) is not dict:
            raise fail(f"{where} must be an object, not {_kind(raw)}")
        for key in REPLY_LABEL_KEYS[:3]:
            if key not in raw:
                raise fail(f'{where} is missing required field "{key}"')
        toward = raw.get("toward", "parent")
        if toward not in SUPPORTED_TOWARD:
            raise fail(
                f'{where}: "toward" {toward!r} is not supported yet: Threadlab keeps reply labels'
                ' toward the parent ("parent") only, so this file would not import whole'
            )
        annotator, label = raw["annotator"], raw["label"]
        comment_id = _as_id(raw["comment_id"])
        if type(annotator) is not str or not annotator:
            raise fail(f'{where}: "annotator" must be a non-empty string (a username)')
        if comment_id is None or comment_id not in texts:
            raise fail(f'{where}: "comment_id" {raw["comment_id"]!r} names no comment here')
        if type(label) is not str or not label:
            raise fail(f'{where}: "label" must be a non-empty string')
        if (annotator, comment_id) in seen:
            raise fail(f"{where}: {annotator!r} labels comment {comment_id!r} twice")
        seen.add((annotator, comment_id))
        labels.append(
            {
                "annotator": annotator,
                "comment_id": comment_id,
                "label": label,
                "toward": toward,
                **_provenance(raw, annotator, where, gold, fail),
            }
        )
    return {"claims": claims, "reply_labels": labels}


def _provenance(
    raw: dict[str, Any], annotator: str, where: str, gold: bool, fail: Any
) -> dict[str, Any]:
    """A gold label's ``settled_by`` (the annotator when missing) and ``source`` (null when the
    reviewer drew it); nothing for an annotator's own label."""
    if not gold:
        return {}
    settled_by, source = raw.get("settled_by"), raw.get("source")
    if settled_by is None:
        settled_by = annotator
    for key, value in (("settled_by", settled_by), ("source", source)):
        if value is not None and (type(value) is not str or not value):
            raise fail(f'{where}: "{key}" must be a username or null')
    return {"settled_by": settled_by, "source": source}


def _check_target_cycles(claims: list[dict[str, Any]], section: str, fail: Any) -> None:
    target_of = {
        c["id"]: c["stance_target"]["claim"] for c in claims if type(c["stance_target"]) is dict
    }
    done: set[Any] = set()
    for start in target_of:
        path: list[Any] = []
        on_path: set[Any] = set()
        current = start
        while current in target_of and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :] + [current]
                raise fail(
                    f"{section} claims target each other in a cycle: "
                    + " -> ".join(repr(i) for i in cycle)
                )
            on_path.add(current)
            path.append(current)
            current = target_of[current]
        done.update(path)


def _as_id(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return value or None
    if kind is int:
        return str(value)
    return None


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _opt_str(value: Any, what: str, fail: Any) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise fail(f"{what} must be a string or null, not {_kind(value)}")
    return value


def _opt_time(value: Any, what: str, fail: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        raise fail(f"{what} {value!r} is not an ISO 8601 time") from None


def _opt_meta(value: Any, what: str, fail: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if type(value) is not dict:
        raise fail(f"{what} must be an object, not {_kind(value)}")
    return value


# --- writing ---------------------------------------------------------------------------


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
