"""File format codecs: thread files in, ThreadRecords out, and back.

Pure code: no database, no annotation models (STYLE.md). One module per format:
``text``, ``jsonl``, ``convokit``, ``reddit`` read threads (DESIGN.md "Import
formats"), ``labelstudio`` threads with their labels ("Labelled corpora");
``jsonl``, ``csv`` and ``convokit`` also write them ("Export").
``tree.order_comments`` puts a thread's comments in display order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from threads.formats.records import CommentRecord, FormatError, ReadOptions, ThreadRecord

__all__ = [
    "FILES",
    "FORMATS",
    "LABELLED_FORMATS",
    "CommentRecord",
    "FormatError",
    "ReadOptions",
    "ThreadRecord",
    "detect_format",
    "read_threads",
]

# Format name -> its module in this package. The labelled corpora's readers also take
# ReadOptions (their labels' annotator, ...); the others read the file alone.
_MODULES = {
    "text": "text",
    "jsonl": "jsonl",
    "convokit": "convokit",
    "reddit": "reddit",
    "labelstudio": "labelstudio",
}
LABELLED_FORMATS: frozenset[str] = frozenset({"labelstudio"})
FORMATS = tuple(_MODULES)

# What each format's files look like, for messages and the admin's upload form.
FILES = {
    "text": ".txt",
    "jsonl": ".jsonl",
    "convokit": "a folder or its utterances.jsonl",
    "reddit": ".json",
    "labelstudio": ".json (a Label Studio export)",
}
_ACCEPTED = ", ".join(f"{fmt} ({FILES[fmt]})" for fmt in FORMATS)


def detect_format(path: Path) -> str:
    """The format a file's name says it is in; a FormatError for a name that says nothing.

    A ``.json`` file is the one name two formats share: its first item tells them apart.
    """
    path = Path(path)
    if path.is_dir():
        return "convokit"
    name = path.name.lower()
    if name == "utterances.jsonl":
        return "convokit"
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "text"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        # Both are JSON lists: a Label Studio export's tasks have "data" and "annotations".
        from threads.formats.labelstudio import is_export

        return "labelstudio" if is_export(path) else "reddit"
    raise FormatError(
        f"cannot tell the format from the name; accepted: {_ACCEPTED}"
        " (or name the format with --format)",
        file=str(path),
    )


def read_threads(
    path: Path, *, fmt: str | None = None, options: ReadOptions | None = None
) -> Iterator[ThreadRecord]:
    """Yield one ThreadRecord per thread in the file (or folder) at ``path``.

    Streams where the format allows (jsonl line by line). Comments come in file
    order with ``depth`` unset: ``tree.order_comments`` orders them and applies
    the orphan policy. ``options`` carries what the labelled formats need (their
    labels' annotator, ...) and collects what they count. Raises FormatError for
    anything it cannot read.
    """
    path = Path(path)
    if fmt is None:
        if not path.exists():
            raise FormatError("no such file", file=str(path))
        fmt = detect_format(path)
    elif fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}", file=str(path))
    if not path.exists():
        raise FormatError("no such file", file=str(path))
    if options is None:
        options = ReadOptions()
    # Imported here so that importing the package stays cheap and cycle-free.
    codec = importlib.import_module(f"threads.formats.{_MODULES[fmt]}")
    if fmt in LABELLED_FORMATS:
        return codec.read(path, options)  # type: ignore[no-any-return]
    return codec.read(path)  # type: ignore[no-any-return]
