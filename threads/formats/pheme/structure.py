"""A thread's ``structure.json``: the reply tree, checked to be one.

The file nests tweet ids: ``{"<source id>": {"<reply id>": [], "<reply id>": {"<id>": []}}}``,
a leaf ``[]`` and a tweet with replies an object (``{}`` is taken as a leaf too).
It must hold one root, ids that are digits, and no id twice (in two branches, or twice in
one object, which a JSON reader would silently fold into one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from threads.formats.jsonl.values import kind_of
from threads.formats.pheme.files import json_loaded, line_of
from threads.formats.records import FormatError

_KEY = re.compile(rb'"((?:[^"\\]|\\.)*)"\s*:')
_SHAPE = "a leaf is [] and a tweet with replies an object of its replies' ids"


@dataclass
class Tree:
    """The reply tree of one thread: its root (the source tweet's id) and each id's replies."""

    root: str
    children: dict[str, list[str]]

    def size(self) -> int:
        """How many tweets the structure names, the source tweet included."""
        return 1 + sum(len(replies) for replies in self.children.values())


def tree_read(path: str) -> Tree:
    """The tree in the ``structure.json`` at ``path``; a FormatError naming the file and line
    (and the thread, once its root is known).

    Replies keep the order of the file; the thread's reader orders them.
    """
    obj, data = json_loaded(path)
    thread: str | None = None

    def fail(message: str, key: str | None = None, occurrence: int = 1) -> FormatError:
        line = line_of(data, key, occurrence) if key is not None else None
        return FormatError(message, file=path, line=line, record=thread)

    if type(obj) is not dict or len(obj) != 1:
        if type(obj) is dict and obj:
            roots = ", ".join(repr(k) for k in list(obj)[:5])
            raise fail(
                f"not a tree: {len(obj)} roots ({roots}); structure.json has one,"
                " the source tweet's id"
            )
        raise fail(
            "not a tree: expected an object with the source tweet's id as its one key,"
            f' {{"<source id>": {{...}}}}, found {kind_of(obj)}'
        )
    ((root, replies),) = obj.items()
    _id_check(root, fail)
    thread = root
    children: dict[str, list[str]] = {}
    seen = {root}
    stack: list[tuple[str, Any]] = [(root, replies)]
    while stack:
        parent, value = stack.pop()
        if type(value) is list:
            if value:
                raise fail(
                    f"not a tree: the replies of {parent!r} are a list with {len(value)}"
                    f" item(s); {_SHAPE}",
                    parent,
                )
            continue
        if type(value) is not dict:
            raise fail(
                f"not a tree: the replies of {parent!r} are {kind_of(value)}; {_SHAPE}", parent
            )
        if not value:
            continue
        children[parent] = list(value)
        for key, nested in value.items():
            _id_check(key, fail)
            if key in seen:
                raise fail(f"not a tree: tweet {key!r} is in it twice", key, 2)
            seen.add(key)
            stack.append((key, nested))
    keys = _KEY.findall(data)
    if len(keys) != len(seen):
        # An id twice in one object: the JSON reader kept one of them. Name it.
        twice = next(
            (k.decode("utf-8", "replace") for k, n in Counter(keys).items() if n > 1), None
        )
        if twice is not None:
            raise fail(f"not a tree: tweet {twice!r} is in it twice", twice, 2)
    return Tree(root=root, children=children)


def _id_check(key: str, fail: Callable[..., FormatError]) -> None:
    if not (key.isdigit() and key.isascii()):
        raise fail(f"{key!r} is not a tweet id (a tweet id is digits)", key)
