"""The post map (``NAME.metadata``) that makes one brat ``.txt`` a thread.

The layout of the CMV "modes of persuasion" corpus, one line each, fields
separated by whitespace::

    Title <start> <end>
    Content <post_id> <author> <start> <end>      (one line per post, in text order)

The first post is the article: its body is the text from the start of the
``.txt`` up to the end of that post (so spans on the title stay in the
article), its title the text of the ``Title`` line (else the body's first
line), its author the post's. Each later post is a comment replying to the post
before it. Offsets count like the spans of the ``.ann`` beside it (code points,
or UTF-8 bytes in some CMV files); a post ending one past the text is clamped.

Threadlab writes four more kinds of line, which CMV-style readers can skip and
which a file without them does not need:

    Body <start> <end>                  the article body is exactly this text (the
                                        title line before it is not part of it)
    Reply <post_id> <parent_post_id>    the post answers that earlier post, not the
                                        one before it (the article's id: top level)
    ReplyLabel <post_id> <toward> <label> [<settled_by> [<source>]]
                                        a reply label of the comment (toward
                                        ``parent`` or ``root``); gold ones with who
                                        settled it and whose label it was accepted from
    Gold <span_id> <settled_by> [<source>]
                                        a gold claim's provenance (the ``T`` id of
                                        the ``.ann`` beside it)

Ids and names are written with whitespace and ``%`` escaped as ``%XX``; an author
of several words (unescaped) is read whole. Posts that overlap, an offset past the
text, a post answering a later one and a span across two posts are errors
naming the file and the lines.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from threads.formats.brat.offsets import Offsets
from threads.formats.brat.standoff import name_read
from threads.formats.records import FormatError


@dataclass
class Post:
    id: str
    author: str
    start: int  # offsets as the file writes them, until placed
    end: int
    line: int
    parent: str | None = None  # the post it answers, from a Reply line (None: the one before)


@dataclass
class Provenance:
    settled_by: str
    source: str | None
    line: int


@dataclass
class MappedReplyLabel:
    post: str
    toward: str
    label: str
    provenance: Provenance | None
    line: int


@dataclass
class PostMap:
    posts: list[Post] = field(default_factory=list)
    title: tuple[int, int, int] | None = None  # start, end, line
    body: tuple[int, int, int] | None = None
    reply_labels: list[MappedReplyLabel] = field(default_factory=list)
    gold: dict[str, Provenance] = field(default_factory=dict)  # span id -> provenance


def postmap_read(data: str, *, file: str) -> PostMap:
    """The lines of a post map, offsets as written; a FormatError naming the line if one is
    wrong."""
    out = PostMap()
    seen: dict[str, int] = {}
    replies: dict[str, tuple[str, int]] = {}

    def fail(message: str, line: int) -> FormatError:
        return FormatError(message, file=file, line=line)

    def offsets(tokens: list[str], line: int) -> tuple[int, int]:
        if not all(t.isdigit() for t in tokens):
            raise fail(f"expected two offsets, found {' '.join(tokens)!r}", line)
        return int(tokens[0]), int(tokens[1])

    for number, raw in enumerate(data.split("\n"), start=1):
        tokens = raw.split()
        if not tokens:
            continue
        kind, rest = tokens[0], tokens[1:]
        if kind in ("Title", "Body") and len(rest) == 2:
            start, end = offsets(rest, number)
            if kind == "Title":
                out.title = (start, end, number)
            else:
                out.body = (start, end, number)
        elif kind == "Content" and len(rest) >= 3:
            post_id = name_read(rest[0])
            if post_id in seen:
                raise fail(
                    f"post {post_id!r} is listed twice (first on line {seen[post_id]})", number
                )
            seen[post_id] = number
            start, end = offsets(rest[-2:], number)
            author = " ".join(name_read(t) for t in rest[1:-2])
            out.posts.append(Post(post_id, author, start, end, number))
        elif kind == "Reply" and len(rest) == 2:
            replies[name_read(rest[0])] = (name_read(rest[1]), number)
        elif kind == "ReplyLabel" and 3 <= len(rest) <= 5:
            post, toward, label, *who = (name_read(t) for t in rest)
            provenance = (
                Provenance(who[0], who[1] if len(who) > 1 else None, number) if who else None
            )
            out.reply_labels.append(MappedReplyLabel(post, toward, label, provenance, number))
        elif kind == "Gold" and 2 <= len(rest) <= 3:
            who = [name_read(t) for t in rest[1:]]
            out.gold[rest[0]] = Provenance(who[0], who[1] if len(who) > 1 else None, number)
        else:
            raise fail(
                f"cannot read {raw.strip()!r}: a post map has 'Title START END' and"
                " 'Content POST_ID AUTHOR START END' lines (and Threadlab's Body, Reply,"
                " ReplyLabel and Gold)",
                number,
            )
    if not out.posts:
        raise fail("the post map lists no post (no 'Content POST_ID AUTHOR START END' line)", 1)
    order = {post.id: n for n, post in enumerate(out.posts)}
    for post_id, (parent, number) in replies.items():
        if post_id not in order:
            raise fail(f"Reply: {post_id!r} is no post of this map", number)
        if parent not in order or order[parent] >= order[post_id]:
            raise fail(
                f"Reply: post {post_id!r} answers {parent!r}, which is no post before it", number
            )
        out.posts[order[post_id]].parent = parent
    return out


@dataclass(frozen=True)
class Text:
    """One text of the thread inside the ``.txt``, in code points."""

    post: str | None  # None: the article body
    start: int
    end: int
    line: int


class Layout:
    """A ``.txt`` cut into its thread's texts by a post map (read in the file's unit).

    The map's posts get their offsets in code points, in place.
    """

    def __init__(self, postmap: PostMap, offsets: Offsets, *, file: str) -> None:
        text = offsets.text

        def at(offset: int, line: int, *, end: bool = False) -> int:
            if end and offset == offsets.length + 1:
                offset = offsets.length  # some CMV posts end one past the text
            found = offsets.to_chars(offset)
            if found is None:
                where = "inside a character" if offset <= offsets.length else "past the end"
                raise FormatError(
                    f"offset {offset} is {where} of the text ({offsets.length} {offsets.unit})",
                    file=file,
                    line=line,
                )
            return found

        posts = postmap.posts
        for post in posts:
            post.start, post.end = at(post.start, post.line), at(post.end, post.line, end=True)
            if post.start > post.end:
                raise FormatError(
                    f"post {post.id!r} starts at {post.start}, after its end {post.end}",
                    file=file,
                    line=post.line,
                )
        for before, after in zip(posts, posts[1:], strict=False):
            if after.start < before.end:
                raise FormatError(
                    f"posts overlap: {after.id!r} (line {after.line}) starts at {after.start},"
                    f" before {before.id!r} (line {before.line}) ends at {before.end}",
                    file=file,
                    line=after.line,
                )
        first = posts[0]
        if postmap.body is not None:
            start, end, line = postmap.body
            body = Text(None, at(start, line), at(end, line, end=True), first.line)
        else:
            body = Text(None, 0, first.end, first.line)
        if len(posts) > 1 and posts[1].start < body.end:
            raise FormatError(
                f"the article body runs to {body.end}, past the start of post {posts[1].id!r}"
                f" (line {posts[1].line})",
                file=file,
                line=posts[1].line,
            )
        self.article = first
        self.texts = [body] + [Text(p.id, p.start, p.end, p.line) for p in posts[1:]]
        self._starts = [t.start for t in self.texts]
        if postmap.title is not None:
            start, end, line = postmap.title
            self.title = text[at(start, line) : at(end, line, end=True)].strip("\r\n")
        else:
            self.title = first_line(text[body.start : body.end])
        self.comments = posts[1:]

    def place(
        self, start: int, end: int, *, what: str, file: str, line: int
    ) -> tuple[Text, int, int]:
        """The text a span of the ``.txt`` (code points) lies in, and its offsets there.

        ``what``, ``file`` and ``line`` say where the span is written, for errors.
        """
        index = bisect.bisect_right(self._starts, start) - 1
        if index < 0 or start >= self.texts[index].end:
            raise FormatError(
                f"{what} at {start}-{end} lies outside every post (between the posts of the"
                " map, or past the last)",
                file=file,
                line=line,
            )
        text = self.texts[index]
        if end > text.end:
            other = next((t for t in self.texts[index + 1 :] if t.start < end), None)
            mine = _post_name(text)
            if other is not None:
                raise FormatError(
                    f"{what} at {start}-{end} runs across two posts: {mine} and"
                    f" {_post_name(other)}; a claim lies within one text",
                    file=file,
                    line=line,
                )
            raise FormatError(
                f"{what} at {start}-{end} runs past the end of {mine} ({text.end})",
                file=file,
                line=line,
            )
        return text, start - text.start, end - text.start


def _post_name(text: Text) -> str:
    post = "the article" if text.post is None else f"post {text.post!r}"
    return f"{post} (map line {text.line})"


def first_line(text: str, limit: int = 1000) -> str:
    """The first non-blank line of ``text``, trimmed and cut to ``limit`` code points."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""
