"""Finding the thread folders of a PHEME or RumourEval corpus.

A thread folder holds ``structure.json``, the source tweet in ``source-tweet/``
(PHEME's own releases: ``source-tweets/``) and the replies in ``replies/``
(PHEME: ``reactions/``). Above them the releases put event folders, and PHEME
``rumours``/``non-rumours`` folders under those: thread folders are looked for
down to ``MAX_DEPTH`` levels below the folder imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

STRUCTURE = "structure.json"
SOURCE_FOLDERS = ("source-tweet", "source-tweets")
REPLY_FOLDERS = ("replies", "reactions")
# rumoureval-2019-training-data/twitter-english/<event>/<thread>: the deepest release layout.
MAX_DEPTH = 4


def holds_threads(path: Path) -> bool:
    """Whether ``path`` is a thread folder (or its structure.json), or has one below it."""
    path = Path(path)
    if not path.is_dir():
        return path.name == STRUCTURE
    return next(thread_folders(path), None) is not None


def thread_folders(path: Path) -> Iterator[tuple[str, str]]:
    """Each thread folder at or below ``path``, in name order, with the folders above it.

    Yields ``(folder, above)``: the thread folder's path and the path of the
    folders between ``path`` and it ("charliehebdo", "ferguson/rumours"; "" for
    ``path`` itself). A structure.json named directly is its folder.
    """
    path = Path(path)
    if not path.is_dir():
        yield str(path.parent), ""
        return
    stack: list[tuple[str, str, int]] = [(str(path), "", 0)]
    while stack:
        folder, relative, depth = stack.pop()
        if os.path.isfile(os.path.join(folder, STRUCTURE)):
            yield folder, relative.rpartition("/")[0]
            continue
        if depth >= MAX_DEPTH:
            continue
        try:
            with os.scandir(folder) as entries:
                below = sorted(e.name for e in entries if e.is_dir() and e.name[0] != ".")
        except OSError:
            continue
        for name in reversed(below):
            stack.append(
                (os.path.join(folder, name), f"{relative}/{name}" if relative else name, depth + 1)
            )


def first_folder(thread: str, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that is a folder in ``thread``, as a path (None: none is)."""
    for name in names:
        candidate = os.path.join(thread, name)
        if os.path.isdir(candidate):
            return candidate
    return None
