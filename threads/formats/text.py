"""The plain-text seed format (``.txt``): one thread per file, nesting by indentation.

The layout (DESIGN.md "Import formats", ``examples/russia-israel-thread.txt``):

- the first non-blank line is the title (any further lines of its paragraph
  start the body);
- paragraphs are separated by blank lines (lines of nothing but whitespace);
- the paragraphs with no indentation before the first indented one form the
  article body, joined with a blank line, line breaks kept;
- each indented paragraph is one comment. A paragraph's indentation is that of
  its first line; every line of it loses up to that much leading whitespace
  (deeper lines keep the extra as text), so line breaks stay and indentation goes.

Nesting follows the indentation relative to the paragraphs before it, with a
stack of open indentations:

- deeper than the previous comment: a reply to it, however much deeper (a
  reply indented two levels further still becomes its parent's depth + 1);
- equal to an open indentation: a sibling of the comment open at it;
- shallower: close the deeper ones; an indentation between two open levels
  (open at 4 and 8, then 6) makes a reply to the shallower one (the 4);
- the first indented paragraph sets the top-level indentation: any later
  paragraph indented less (or not at all) is a top-level comment.

Tabs in indentation are expanded to the next multiple of 8 columns (as Python
and most terminals do), so a file indented with tabs alone nests as it looks;
tabs after the indentation stay in the text.

The thread's external id is the file name without its extension; comments get
stable ids ``c1``, ``c2``, ... in file order and carry their depth. There are
no authors or times in this format.

A file that is empty, binary, not UTF-8, without a title, or with a title and
nothing else raises FormatError naming the file and the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from threads.formats.records import CommentRecord, FormatError, ThreadRecord, record_checked

TAB_WIDTH = 8


def read(path: Path) -> Iterator[ThreadRecord]:
    """Yield the one thread in the text file at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", file=str(path)) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    yield record_checked(parse(data, name=path.stem, file=str(path)), file=str(path))


def parse(data: bytes, *, name: str, file: str | None = None) -> ThreadRecord:
    """The thread in ``data`` (the bytes of a text file); ``name`` becomes its external id."""
    text = _decode(data, file)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    # Paragraphs as (line number of the first line, lines).
    paragraphs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            paragraphs.append((start, current))
            current = []
    if current:
        paragraphs.append((start, current))

    if not paragraphs:
        raise FormatError(
            "no title: the file holds only blank lines", file=file, line=len(lines) or 1
        )

    title_line, first = paragraphs[0]
    title = first[0].strip()
    if len(first) > 1:
        paragraphs[0] = (title_line + 1, first[1:])
    else:
        paragraphs.pop(0)
    if not paragraphs:
        raise FormatError(
            "the file holds only a title: no article body and no comments follow it"
            " (separate the title, the body paragraphs and the comments with blank lines)",
            file=file,
            line=title_line,
        )

    body: list[str] = []
    comments: list[CommentRecord] = []
    # Open indentations, shallowest first: (indentation, comment).
    stack: list[tuple[int, CommentRecord]] = []
    top_indent = -1
    for number, para_lines in paragraphs:
        first_line = _expand(para_lines[0])
        indent = len(first_line) - len(first_line.lstrip(" "))
        if not comments and indent == 0:
            body.append(_dedent(para_lines, 0))
            continue
        if top_indent < 0:
            top_indent = indent
        level = max(indent, top_indent)
        while stack and stack[-1][0] > level:
            stack.pop()
        if stack and stack[-1][0] == level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        comment = CommentRecord(
            id=f"c{len(comments) + 1}",
            parent_id=parent.id if parent is not None else None,
            text=_dedent(para_lines, indent),
            depth=(parent.depth or 0) + 1 if parent is not None else 0,
            line=number,
        )
        comments.append(comment)
        stack.append((level, comment))

    return ThreadRecord(
        id=name,
        title=title,
        body="\n\n".join(body),
        comments=comments,
        line=title_line,
    )


def _decode(data: bytes, file: str | None) -> str:
    if not data:
        raise FormatError("the file is empty", file=file, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FormatError(
            "this is a binary file, not text (it holds a NUL byte)",
            file=file,
            line=data.count(b"\n", 0, nul) + 1,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded);"
            " save the file as UTF-8",
            file=file,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None


def _expand(line: str) -> str:
    """``line`` with the tabs of its leading whitespace expanded to spaces."""
    stripped = line.lstrip(" \t")
    lead = line[: len(line) - len(stripped)]
    if "\t" in lead:
        lead = lead.expandtabs(TAB_WIDTH)
    return lead + stripped


def _dedent(lines: list[str], indent: int) -> str:
    """Join a paragraph's lines, each less up to ``indent`` columns of leading whitespace."""
    out = []
    for line in lines:
        line = _expand(line)
        width = len(line) - len(line.lstrip(" "))
        out.append(line[min(width, indent) :])
    return "\n".join(out)
