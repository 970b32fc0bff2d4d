"""Reading: a Label Studio export, task by task, into ThreadRecords (the rules: the package)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from threads.formats.jsonl.values import as_id, kind_of, opt_str, opt_time
from threads.formats.labelstudio.offsets import TextOffsets
from threads.formats.labelstudio.results import TaskText, annotation_labels
from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ReadOptions,
    ThreadRecord,
    record_checked,
)

SHAPE = (
    'a Label Studio export is a JSON list of tasks: [{"id": 1, "data": {"text": "..."},'
    ' "annotations": [{"completed_by": 1, "result": [...]}]}, ...]'
)
# Keys of a task's data that become fields; the others go to the thread's or comment's meta.
_FIELDS = ("text", "title", "id", "thread_id", "parent_id", "author", "url", "created_at")
# "completions": what Label Studio before 1.0 called annotations.
_ANNOTATION_KEYS = ("annotations", "completions")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# How much of a .json file is read to tell a Label Studio export from a Reddit thread.
_SNIFF_BYTES = 1 << 16


def read(path: Path, options: ReadOptions) -> Iterator[ThreadRecord]:
    """Yield the threads of the Label Studio export at ``path``."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", file=file) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    yield from parse(data, file=file, options=options)


def parse(data: bytes, *, file: str | None, options: ReadOptions) -> Iterator[ThreadRecord]:
    """The threads in ``data``, the bytes of a Label Studio JSON export."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); save the file as UTF-8",
            file=file,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    tasks = [
        _task(obj, line, number, file) for number, (line, obj) in enumerate(_items(text, file))
    ]
    groups: dict[str, list[_Task]] = {}
    for task in tasks:
        groups.setdefault(task.thread_id or task.node_id, []).append(task)
    for thread_id, group in groups.items():
        thread = _thread(thread_id, group, file, options)
        yield record_checked(thread, file=file)


def is_export(path: Path) -> bool:
    """Whether the JSON file at ``path`` is a Label Studio export: a list whose first item
    (or, by mistake, a lone object) is a task, an object with a ``data`` object and
    ``annotations``, ``completions`` or ``predictions``.

    Reads the file's start only, unless its first task is longer than that.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            if len(head) == _SNIFF_BYTES and _first_item(head) is None:
                head += handle.read()
    except OSError:
        return False
    first = _first_item(head)
    return (
        type(first) is dict
        and type(first.get("data")) is dict
        and any(key in first for key in (*_ANNOTATION_KEYS, "predictions"))
    )


def _first_item(head: bytes) -> Any:
    """The first item of the JSON list ``head`` starts with, or the object it starts with
    (None when it holds no whole one)."""
    text = head.decode("utf-8-sig", errors="ignore")
    index = _skip(text, 0)
    if text.startswith("[", index):
        index = _skip(text, index + 1)
    elif not text.startswith("{", index):
        return None
    try:
        return json.JSONDecoder().raw_decode(text, index)[0]
    except (json.JSONDecodeError, RecursionError):
        return None


def _skip(text: str, index: int) -> int:
    """The index of the first character from ``index`` on that is not JSON whitespace."""
    return _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]


def _items(text: str, file: str | None) -> Iterator[tuple[int, Any]]:
    """Each item of the top-level JSON list, with the line it starts on."""
    index = _skip(text, 0)
    if index == len(text):
        raise FormatError(f"the file is empty; {SHAPE}", file=file, line=1)
    if text[index] != "[":
        found = _loads(text, file)
        hint = " (one task? put it in a list)" if type(found) is dict and "data" in found else ""
        raise FormatError(f"{SHAPE}; this file holds {kind_of(found)}{hint}", file=file, line=1)
    decoder = json.JSONDecoder(parse_constant=NonFinite.read)
    line, counted = 1, 0
    index = _skip(text, index + 1)
    closed = text.startswith("]", index)
    while not closed:
        try:
            item, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise _invalid(exc, file) from None
        except RecursionError:
            raise FormatError("invalid JSON: nested too deeply", file=file) from None
        line += text.count("\n", counted, index)
        counted = index
        yield line, item
        index = _skip(text, end)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
        elif text.startswith("]", index):
            closed = True
        else:
            _loads(text, file)  # names what is wrong, and where
            raise FormatError("invalid JSON: expected ',' or ']' after a task", file=file)
    if _skip(text, index + 1) != len(text):
        _loads(text, file)
        raise FormatError("invalid JSON: more after the list of tasks", file=file)


def _loads(text: str, file: str | None) -> Any:
    try:
        return json.loads(text, parse_constant=NonFinite.read)
    except json.JSONDecodeError as exc:
        raise _invalid(exc, file) from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply", file=file) from None


def _invalid(exc: json.JSONDecodeError, file: str | None) -> FormatError:
    return FormatError(f"invalid JSON: {exc.msg} at column {exc.colno}", file=file, line=exc.lineno)


@dataclass
class _Task:
    line: int
    name: str  # how errors and claim ids name it: its Label Studio id, else its data id
    node_id: str  # its article's or comment's id in the thread
    thread_id: str | None
    parent_id: str | None
    text: str
    title: str
    author: str
    url: str
    created_at: datetime | None
    meta: dict[str, Any]
    annotations: list[Any] = field(default_factory=list)
    predictions: int = 0


def _task(obj: Any, line: int, number: int, file: str | None) -> _Task:
    def fail(message: str) -> FormatError:
        return FormatError(f"{name}: {message}", file=file, line=line)

    name = f"task {number + 1} (in list order)"
    if type(obj) is not dict:
        raise fail(f"must be an object, not {kind_of(obj)}; {SHAPE}")
    task_id = as_id(obj.get("id"))
    if task_id is not None:
        name = f"task {task_id}"
    data = obj.get("data")
    if type(data) is not dict:
        raise fail(f'"data" must be an object, not {kind_of(data)}; {SHAPE}')
    text = data.get("text")
    if type(text) is not str:
        raise fail(
            f'"data.text" must be a string, not {kind_of(text)}: Threadlab imports text tasks,'
            " whose text Label Studio keeps in data.text"
        )
    node_id = as_id(data["id"]) if "id" in data else task_id
    if node_id is None:
        raise fail('no id: give the task an "id", or its data an "id"')
    ids: dict[str, str | None] = {}
    for key in ("thread_id", "parent_id"):
        raw = data.get(key)
        ids[key] = None if raw is None else as_id(raw)
        if raw is not None and ids[key] is None:
            raise fail(f'"data.{key}" must be a string, an integer or null')
    annotations: Any = []
    for key in _ANNOTATION_KEYS:
        if key in obj:
            annotations = obj[key]
            if type(annotations) is not list:
                raise fail(f'"{key}" must be a list, not {kind_of(annotations)}')
            break
    predictions = obj.get("predictions")
    meta = {key: value for key, value in data.items() if key not in _FIELDS}
    if task_id is not None:
        meta["labelstudio_task_id"] = obj["id"]
    return _Task(
        line=line,
        name=task_id or node_id,
        node_id=node_id,
        thread_id=ids["thread_id"],
        parent_id=ids["parent_id"],
        text=text,
        title=opt_str(data.get("title"), '"data.title"', fail),
        author=opt_str(data.get("author"), '"data.author"', fail),
        url=opt_str(data.get("url"), '"data.url"', fail),
        created_at=opt_time(data.get("created_at"), '"data.created_at"', fail),
        meta=meta,
        annotations=annotations,
        predictions=len(predictions) if type(predictions) is list else 0,
    )


def _thread(
    thread_id: str, tasks: list[_Task], file: str | None, options: ReadOptions
) -> ThreadRecord:
    """The thread of ``tasks``: the one whose id is the thread's is its article."""
    by_node: dict[str, _Task] = {}
    for task in tasks:
        other = by_node.get(task.node_id)
        if other is not None:
            raise FormatError(
                f"task {task.name} has the id {task.node_id!r} of task {other.name}"
                f" (line {other.line}) in thread {thread_id!r}",
                file=file,
                line=task.line,
            )
        by_node[task.node_id] = task
    article = by_node.get(thread_id)
    if article is None:
        names = ", ".join(t.name for t in tasks[:5]) + (", ..." if len(tasks) > 5 else "")
        raise FormatError(
            f"thread {thread_id!r} (data.thread_id of tasks {names}) has no task whose id is"
            f" {thread_id!r} for its article: add one (its data.text is the article's body)",
            file=file,
            line=tasks[0].line,
        )
    thread = ThreadRecord(
        id=thread_id,
        title=article.title or f"Label Studio task {article.name}",
        body=article.text,
        author=article.author,
        url=article.url,
        created_at=article.created_at,
        meta=article.meta,
        line=article.line,
    )
    labels: dict[str, list[dict[str, Any]]] = {"claims": [], "reply_labels": []}
    for task in tasks:
        comment_id = None
        if task is not article:
            parent = None if task.parent_id in (None, thread_id) else task.parent_id
            thread.comments.append(
                CommentRecord(
                    id=task.node_id,
                    parent_id=parent,
                    text=task.text,
                    author=task.author,
                    created_at=task.created_at,
                    meta=task.meta,
                    line=task.line,
                )
            )
            comment_id = task.node_id
        _task_labels(task, comment_id, labels, file, options)
    if labels["claims"] or labels["reply_labels"]:
        if options.as_gold:
            thread.gold = labels
        else:
            thread.annotations = labels
    return thread


def _task_labels(
    task: _Task,
    comment_id: str | None,
    labels: dict[str, list[dict[str, Any]]],
    file: str | None,
    options: ReadOptions,
) -> None:
    """Add the labels of ``task``'s annotations to ``labels``; its task-level choices to meta."""
    if task.predictions:
        options.counts["Label Studio predictions left out"] += task.predictions
    offsets = TextOffsets(task.text)
    seen: set[str] = set()
    labelled_by: dict[str, str] = {}  # annotator -> the annotation that gave their reply label
    for index, raw in enumerate(task.annotations, start=1):
        number = (as_id(raw.get("id")) if type(raw) is dict else None) or str(index)

        def fail(message: str, number: str = number) -> FormatError:
            return FormatError(
                f"task {task.name}, annotation {number}: {message}", file=file, line=task.line
            )

        if type(raw) is not dict:
            raise fail(f"must be an object, not {kind_of(raw)}")
        if number in seen:
            raise fail("a second annotation with this id in the task")
        seen.add(number)
        if raw.get("was_cancelled") is True:
            options.counts["cancelled Label Studio annotations left out"] += 1
            continue
        annotator = options.annotator or _annotator(raw.get("completed_by"), fail)
        found = annotation_labels(
            raw,
            task=TaskText(comment_id, offsets, f"{task.name}/{number}/"),
            annotator=annotator,
            gold=options.as_gold,
            counts=options.counts,
            fail=fail,
        )
        labels["claims"].extend(found.claims)
        for label in found.reply_labels:
            earlier = labelled_by.setdefault(label["annotator"], number)
            if earlier != number:
                merged = "; the import gives every annotation to that one name"
                raise fail(
                    f"a second reply label by {label['annotator']!r} for this comment (annotation"
                    f" {earlier} gave one): one annotator labels a reply once"
                    + (merged if options.annotator else "")
                )
        labels["reply_labels"].extend(found.reply_labels)
        if found.choices:
            task.meta.setdefault("labelstudio_choices", []).extend(found.choices)


def _annotator(completed_by: Any, fail: Any) -> str:
    """A username for Label Studio's ``completed_by``: a user id (``labelstudio-<id>``), or
    an object with ``username``, else ``email``, else ``id`` (some versions), or a name."""
    if type(completed_by) is dict:
        for key in ("username", "email"):
            value = completed_by.get(key)
            if type(value) is str and value.strip():
                return value.strip()
        completed_by = completed_by.get("id")
    if type(completed_by) is int:
        return f"labelstudio-{completed_by}"
    if type(completed_by) is str and completed_by.strip():
        return completed_by.strip()
    raise fail(
        'no "completed_by" says whose annotation it is: name an annotator for the import'
        " (--annotator NAME)"
    )
