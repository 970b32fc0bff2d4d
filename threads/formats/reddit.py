"""Reddit threads as Reddit's JSON API returns them (``.json``).

Two shapes are accepted:

1. The listing pair of ``https://www.reddit.com/r/<sub>/comments/<id>.json``:
   ``[post listing, comment listing]``. The post (kind ``t3``) gives the thread:
   id, title, ``selftext`` as the body, author, ``url`` (for a link post the
   linked page; the permalink is kept in meta), ``created_utc``. Comments are
   kind ``t1`` with their replies in ``data.replies`` (a listing, or ``""``
   when there are none); ``more`` stubs (comments Reddit did not send) are
   skipped and counted in the thread's ``meta["more_skipped"]``.
2. A flat list of comment objects (as Pushshift and most dumps give them),
   each with ``id``, ``parent_id`` (``t1_``/``t3_`` prefixed), ``link_id``,
   ``author``, ``body``, ``created_utc`` (bare, or wrapped as
   ``{"kind": "t1", "data": {...}}``; ``{"data": [...]}`` around the list is
   accepted too). Comments are grouped by ``link_id`` into threads, in the
   order the threads first appear. There is no post: the title is the
   comments' ``link_title`` if they have one, else ``Reddit thread <link id>``,
   and the body is empty.

Ids lose their ``t1_``/``t3_`` prefixes; a comment whose parent is the post is
top level. Deleted comments (``[deleted]`` author or body) are kept as they
are. A few comment fields go to ``meta``: score, permalink, edited,
distinguished, stickied, controversiality. The tree is walked without
recursion, however deep the replies go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ThreadRecord,
    record_checked,
)

SHAPES = (
    "accepted shapes: the listing pair Reddit's API returns for a thread"
    ' ([{"kind": "Listing", ...post...}, {"kind": "Listing", ...comments...}]),'
    " or a flat list of comment objects with id, parent_id, link_id, author, body"
    " and created_utc"
)
COMMENT_META = ("score", "permalink", "edited", "distinguished", "stickied", "controversiality")
POST_META = ("subreddit", "permalink", "score", "num_comments", "upvote_ratio", "domain")


def read(path: Path) -> Iterator[ThreadRecord]:
    """Yield the thread(s) in the Reddit JSON file at ``path``."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", file=file) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    yield from parse(data, file=file)


def parse(data: bytes, *, file: str | None = None) -> Iterator[ThreadRecord]:
    """The threads in ``data``, the bytes of a Reddit JSON file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            file=file,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    if not text.strip():
        raise FormatError(f"the file is empty; {SHAPES}", file=file, line=1)
    try:
        obj = json.loads(text, parse_constant=NonFinite.read)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"invalid JSON: {exc.msg} at column {exc.colno}", file=file, line=exc.lineno
        ) from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply to read", file=file) from None

    if type(obj) is dict and type(obj.get("data")) is list:
        obj = obj["data"]
    if _is_listing_pair(obj):
        yield record_checked(_from_listing_pair(obj, file), file=file)
    elif type(obj) is list and obj and all(_is_flat_comment(item) for item in obj):
        for thread in _from_flat_list(obj, file):
            yield record_checked(thread, file=file)
    else:
        raise FormatError(f"this is not a Reddit thread; {SHAPES}", file=file, line=1)


def _is_listing_pair(obj: Any) -> bool:
    if type(obj) is not list or not 1 <= len(obj) <= 2:
        return False
    if not all(type(x) is dict and x.get("kind") == "Listing" for x in obj):
        return False
    children = (obj[0].get("data") or {}).get("children") or []
    return bool(children) and type(children[0]) is dict and children[0].get("kind") == "t3"


def _is_flat_comment(item: Any) -> bool:
    if type(item) is not dict:
        return False
    if item.get("kind") == "t1" and type(item.get("data")) is dict:
        item = item["data"]
    return "link_id" in item and "id" in item


def _bare(value: Any) -> str:
    text = str(value)
    if len(text) > 3 and text[0] == "t" and text[2] == "_" and text[1].isdigit():
        return text[3:]
    return text


def _time(value: Any, where: str, file: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise FormatError(
            f"created_utc {value!r} is not unix seconds", file=file, record=where
        ) from None


def _comment(data: dict[str, Any], parent_id: str | None, file: str | None) -> CommentRecord:
    cid = data.get("id")
    if cid is None and data.get("name"):
        cid = data["name"]
    if cid is None or type(cid) not in (str, int):
        raise FormatError(f"a comment without an id: {_preview(data)}", file=file)
    cid = _bare(cid)
    body = data.get("body")
    if body is None:
        body = ""
    if type(body) is not str:
        raise FormatError('"body" must be a string', file=file, record=cid)
    author = data.get("author")
    return CommentRecord(
        id=cid,
        parent_id=parent_id,
        text=body,
        author="" if author is None else str(author),
        created_at=_time(data.get("created_utc"), cid, file),
        meta={key: data[key] for key in COMMENT_META if key in data},
    )


def _from_listing_pair(obj: list[Any], file: str | None) -> ThreadRecord:
    post = obj[0]["data"]["children"][0].get("data")
    if type(post) is not dict:
        raise FormatError(f"the post has no data; {SHAPES}", file=file)
    post_id = post.get("id") or post.get("name")
    if post_id is None:
        raise FormatError("the post has no id", file=file)
    thread_id = _bare(post_id)
    title = post.get("title")
    if type(title) is not str:
        raise FormatError("the post has no title", file=file, record=thread_id)
    permalink = post.get("permalink") or ""
    url = post.get("url") or (f"https://www.reddit.com{permalink}" if permalink else "")
    comments: list[CommentRecord] = []
    more = 0

    # Iterative pre-order walk: a stack of (children still to visit, their parent id).
    listing = obj[1] if len(obj) > 1 else {}
    stack: list[tuple[Iterator[Any], str | None]] = [
        (iter((listing.get("data") or {}).get("children") or []), None)
    ]
    while stack:
        children, parent_id = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if type(child) is not dict:
            raise FormatError(
                f"a comment listing holds {type(child).__name__}, not an object",
                file=file,
                record=thread_id,
            )
        kind = child.get("kind")
        data = child.get("data")
        if kind == "more":
            more += (data or {}).get("count") or len((data or {}).get("children") or [])
            continue
        if kind != "t1" or type(data) is not dict:
            raise FormatError(
                f"expected a comment (kind t1) or a more stub, found kind {kind!r}",
                file=file,
                record=thread_id,
            )
        comment = _comment(data, parent_id, file)
        comments.append(comment)
        replies = data.get("replies")
        if type(replies) is dict:
            stack.append((iter((replies.get("data") or {}).get("children") or []), comment.id))

    meta = {key: post[key] for key in POST_META if key in post}
    if more:
        meta["more_skipped"] = more
    author = post.get("author")
    body = post.get("selftext")
    return ThreadRecord(
        id=thread_id,
        title=title,
        body=body if type(body) is str else "",
        author="" if author is None else str(author),
        url=url,
        created_at=_time(post.get("created_utc"), thread_id, file),
        meta=meta,
        comments=comments,
    )


def _from_flat_list(items: list[Any], file: str | None) -> Iterator[ThreadRecord]:
    threads: dict[str, ThreadRecord] = {}
    for item in items:
        data = item["data"] if item.get("kind") == "t1" and type(item.get("data")) is dict else item
        link_id = _bare(data["link_id"])
        raw_parent = data.get("parent_id")
        parent_id = None
        if raw_parent is not None and not str(raw_parent).startswith("t3_"):
            parent_id = _bare(raw_parent)
            if parent_id == link_id:
                parent_id = None
        comment = _comment(data, parent_id, file)
        thread = threads.get(link_id)
        if thread is None:
            link_title = data.get("link_title")
            thread = threads[link_id] = ThreadRecord(
                id=link_id,
                title=link_title
                if type(link_title) is str and link_title
                else f"Reddit thread {link_id}",
                body="",
                meta={"subreddit": data["subreddit"]} if "subreddit" in data else {},
            )
        thread.comments.append(comment)
    yield from threads.values()


def _preview(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
