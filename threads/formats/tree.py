"""Put a thread's comments in display order and give each its depth.

Readers hand over comments in whatever order the file has them; the database
wants parents before replies (the triggers check each parent exists) and the
display wants a pre-order walk. ``order_comments`` does both in linear time,
without recursion, so a reply chain 10,000 deep is no harder than a flat one.

Orphans (a ``parent_id`` naming no comment of the thread) follow the
``--orphans`` policy of the import command:

- ``"error"`` (default): a FormatError naming the comment and the missing parent;
- ``"attach"``: the comment becomes top level, ``parent_id`` None and
  ``meta["orphan"] = True``;
- ``"skip"``: the comment and all its replies are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from threads.formats.records import CommentRecord, FormatError, ThreadRecord

ORPHAN_POLICIES = ("error", "attach", "skip")


@dataclass
class OrderedComments:
    comments: list[CommentRecord] = field(default_factory=list)
    orphans_attached: int = 0
    orphans_skipped: int = 0


def order_comments(
    thread: ThreadRecord, *, orphans: str = "error", file: str | None = None
) -> OrderedComments:
    """Return the thread's comments parent-first in display order, each with ``.depth`` set.

    Siblings keep the order the file gives them. Mutates the records it returns:
    ``depth`` always, and ``parent_id``/``meta`` of an attached orphan.
    """
    if orphans not in ORPHAN_POLICIES:
        raise ValueError(f"orphans must be one of {', '.join(ORPHAN_POLICIES)}, not {orphans!r}")

    def error(message: str, comment: CommentRecord | None = None) -> FormatError:
        line = comment.line if comment is not None and comment.line else thread.line
        return FormatError(message, file=file, line=line, record=thread.id)

    by_id: dict[str, CommentRecord] = {}
    for comment in thread.comments:
        if comment.id in by_id:
            raise error(f"duplicate comment id {comment.id!r}", comment)
        by_id[comment.id] = comment

    roots: list[CommentRecord] = []
    children: dict[str, list[CommentRecord]] = {}
    skipped_roots: list[CommentRecord] = []
    attached = 0
    for comment in thread.comments:
        parent_id = comment.parent_id
        if parent_id is None:
            roots.append(comment)
        elif parent_id == comment.id:
            raise error(f"comment {comment.id!r} names itself as its parent", comment)
        elif parent_id in by_id:
            siblings = children.get(parent_id)
            if siblings is None:
                children[parent_id] = [comment]
            else:
                siblings.append(comment)
        elif orphans == "attach":
            comment.parent_id = None
            comment.meta["orphan"] = True
            attached += 1
            roots.append(comment)
        elif orphans == "skip":
            skipped_roots.append(comment)
        else:
            raise error(
                f"comment {comment.id!r} replies to {parent_id!r}, which is not in the thread"
                " (use --orphans attach or --orphans skip to import it anyway)",
                comment,
            )

    ordered: list[CommentRecord] = []
    _walk(roots, children, ordered)
    skipped: list[CommentRecord] = []
    _walk(skipped_roots, children, skipped)

    if len(ordered) + len(skipped) != len(by_id):
        # What was not reached hangs off a reply cycle; name the cycle.
        reached = {id(c) for c in ordered}
        reached.update(id(c) for c in skipped)
        start = next(c for c in thread.comments if id(c) not in reached)
        seen: dict[str, int] = {}
        chain: list[str] = []
        current = start
        while current.id not in seen:
            seen[current.id] = len(chain)
            chain.append(current.id)
            assert current.parent_id is not None  # unreached comments all have parents
            current = by_id[current.parent_id]
        cycle = chain[seen[current.id] :] + [current.id]
        raise error("reply cycle: " + " -> ".join(repr(i) for i in cycle), by_id[current.id])

    return OrderedComments(
        comments=ordered, orphans_attached=attached, orphans_skipped=len(skipped)
    )


def _walk(
    roots: list[CommentRecord],
    children: dict[str, list[CommentRecord]],
    out: list[CommentRecord],
) -> None:
    """Pre-order walk with an explicit stack; appends to ``out`` and sets depths."""
    stack: list[tuple[CommentRecord, int]] = [(c, 0) for c in reversed(roots)]
    pop = stack.pop
    push = stack.append
    append = out.append
    while stack:
        comment, depth = pop()
        comment.depth = depth
        append(comment)
        replies = children.get(comment.id)
        if replies:
            depth += 1
            for reply in reversed(replies):
                push((reply, depth))


def compute_depths(comments: list[CommentRecord]) -> dict[str, int]:
    """Depth of every comment by id, following parent links (missing parents count as top level).

    For writers that get records whose ``depth`` was not set by ``order_comments``.
    Linear: each comment's depth is computed once, iteratively.
    """
    parent_of = {c.id: c.parent_id for c in comments}
    depths: dict[str, int] = {}
    for comment in comments:
        if comment.id in depths:
            continue
        path: list[str] = []
        current: str | None = comment.id
        on_path: set[str] = set()
        while current is not None and current in parent_of and current not in depths:
            if current in on_path:  # a cycle: cut it here
                break
            on_path.add(current)
            path.append(current)
            current = parent_of[current]
        base = depths[current] + 1 if current is not None and current in depths else 0
        for offset, cid in enumerate(reversed(path)):
            depths[cid] = base + offset
    return depths
