"""One thread folder read into a ThreadRecord: the source tweet, its replies, their labels."""

from __future__ import annotations

import os
from typing import Any

from threads.formats.pheme.folders import (
    REPLY_FOLDERS,
    SOURCE_FOLDERS,
    STRUCTURE,
    first_folder,
)
from threads.formats.pheme.structure import Tree, tree_read
from threads.formats.pheme.tweets import Tweet, tweet_read
from threads.formats.records import (
    CommentRecord,
    FormatError,
    ReadOptions,
    ThreadRecord,
    record_checked,
)

DELETED = "deleted tweets left out"
BELOW_DELETED = "replies to deleted tweets left out"
NOT_IN_STRUCTURE = "reply files not in structure.json left out"
UNLABELLED = "replies without a label in the labels file"


def thread_read(
    folder: str, above: str, *, labels: dict[str, str] | None, options: ReadOptions
) -> ThreadRecord:
    """The thread in ``folder``; ``above`` is the path of the event folders above it."""
    tree = tree_read(os.path.join(folder, STRUCTURE))
    root = tree.root
    source = _source_read(folder, root)
    replies = first_folder(folder, REPLY_FOLDERS)
    present: set[str] = set()
    if replies is not None:
        present = {name[:-5] for name in os.listdir(replies) if name.endswith(".json")}
    comments = _replies_read(tree, replies or folder, present, options)
    present.discard(root)  # PHEME's reactions/ may hold the source tweet again
    unnamed = len(present - _ids(tree))
    if unnamed:
        options.counts[NOT_IN_STRUCTURE] += unnamed

    meta = source.meta
    if above:
        meta["folder"] = above
    thread = ThreadRecord(
        id=root,
        title=next((line.strip() for line in source.text.splitlines() if line.strip()), "")
        or f"Tweet {root}",
        body=source.text,
        author=source.author,
        url=_status_url(source.author, root),
        created_at=source.created_at,
        meta=meta,
        comments=comments,
    )
    if labels is not None:
        _labels_applied(thread, labels, options)
    return thread


def _source_read(folder: str, root: str) -> Tweet:
    where = first_folder(folder, SOURCE_FOLDERS)
    if where is None:
        raise FormatError(
            f"no source-tweet/ folder: the thread's source tweet, {root}.json, goes there",
            file=folder,
            record=root,
        )
    others = sorted(n for n in os.listdir(where) if n.endswith(".json") and n != f"{root}.json")
    if others:
        raise FormatError(
            f"holds {others[0]}, but structure.json's root, the source tweet, is {root}"
            " (a thread has one source tweet)",
            file=where,
            record=root,
        )
    path = os.path.join(where, f"{root}.json")
    if not os.path.isfile(path):
        raise FormatError(
            f"no {root}.json: structure.json names {root} as the source tweet,"
            " and its file is missing",
            file=where,
            record=root,
        )
    source = tweet_read(path, expected_id=root, thread=root, why="structure.json's root is")
    if source.nul:
        record_checked(
            ThreadRecord(
                id=root, title="", body=source.text, author=source.author, meta=source.meta
            ),
            file=path,
        )
    return source


def _replies_read(
    tree: Tree, folder: str, present: set[str], options: ReadOptions
) -> list[CommentRecord]:
    """The replies of the tree that have a file, parents first, each thread of replies in the
    order it was posted (tweet ids grow with time); the subtree of a missing one left out."""
    root, children = tree.root, tree.children
    thread_ids = _ids(tree)
    into = folder + os.sep
    comments: list[CommentRecord] = []
    stack = [(reply, root) for reply in _posting_order(children.get(root), reverse=True)]
    pop, push = stack.pop, stack.append
    while stack:
        tweet_id, parent = pop()
        if tweet_id not in present:
            _deleted_counted(tree, tweet_id, present, options)
            continue
        path = f"{into}{tweet_id}.json"
        tweet = tweet_read(
            path,
            expected_id=tweet_id,
            thread=root,
            why="its file is named",
            parent=parent,
            thread_ids=thread_ids,
        )
        if tweet.parent_outside:
            options.counts[
                "replies placed by structure.json (in_reply_to names a tweet not in the thread)"
            ] += 1
        comment = CommentRecord(
            id=tweet_id,
            parent_id=None if parent == root else parent,
            text=tweet.text,
            author=tweet.author,
            created_at=tweet.created_at,
            meta=tweet.meta,
        )
        if tweet.nul:
            record_checked(ThreadRecord(id=root, title="", body="", comments=[comment]), file=path)
        comments.append(comment)
        below = children.get(tweet_id)
        if below:
            for reply in _posting_order(below, reverse=True):
                push((reply, tweet_id))
    return comments


def _deleted_counted(tree: Tree, top: str, present: set[str], options: ReadOptions) -> None:
    """Count a deleted tweet and what is left out with it: its replies, kept or deleted."""
    stack = [top]
    while stack:
        tweet_id = stack.pop()
        if tweet_id in present:
            options.counts[BELOW_DELETED] += 1
        else:
            options.counts[DELETED] += 1
        stack.extend(tree.children.get(tweet_id, ()))


def _labels_applied(thread: ThreadRecord, labels: dict[str, str], options: ReadOptions) -> None:
    """Replies' labels as reply labels toward the root; the source tweet's in the article meta."""
    if thread.id in labels:
        thread.meta["label"] = labels[thread.id]
    annotator = options.annotator
    extra: dict[str, Any] = {"settled_by": annotator, "source": None} if options.as_gold else {}
    found = [
        {
            "annotator": annotator,
            "comment_id": c.id,
            "label": labels[c.id],
            "toward": "root",
            **extra,
        }
        for c in thread.comments
        if c.id in labels
    ]
    if len(found) < len(thread.comments):
        options.counts[UNLABELLED] += len(thread.comments) - len(found)
    section = {"claims": [], "reply_labels": found}
    if options.as_gold:
        thread.gold = section
    else:
        thread.annotations = section


def _ids(tree: Tree) -> set[str]:
    ids = {tree.root}
    for replies in tree.children.values():
        ids.update(replies)
    return ids


def _posting_order(ids: list[str] | None, *, reverse: bool = False) -> list[str]:
    """Tweet ids in the order they were posted: as numbers (a longer id is a later one)."""
    return sorted(ids or (), key=lambda i: (len(i), i), reverse=reverse)


def _status_url(screen_name: str, tweet_id: str) -> str:
    if screen_name:
        return f"https://twitter.com/{screen_name}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"
