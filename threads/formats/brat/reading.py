"""Reading brat: ``.txt`` + ``.ann`` pairs (and their post maps) into ThreadRecords.

What is read (the package docstring says what each line means): a ``.ann`` or
``.txt`` file of a pair, or a folder searched to any depth for ``.ann`` files,
each with its ``.txt`` beside it (a ``.txt`` without one is left out and
counted). Pairs of the same name are one thread, whose id is the name: each
pair brings one annotator's labels, so their texts and post maps must agree.

Whose labels: ``--annotator`` (``ReadOptions.annotator``) if given, else the
name of the folder holding the pair (a Threadlab export keeps each annotator's
files in a folder named after them). A pair in a folder named ``gold``, or any
pair with ``--as-gold``, brings gold labels, settled by the reviewer its post
map's ``Gold`` line names, else by ``--annotator``, else (with ``--as-gold``)
by the folder's name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from threads.formats.brat.offsets import BYTES, CHARS, Offsets, offsets_read
from threads.formats.brat.postmap import Layout, PostMap, Text, first_line, postmap_read
from threads.formats.brat.standoff import Standoff, standoff_read
from threads.formats.jsonl.keys import SUPPORTED_TOWARD
from threads.formats.records import (
    CommentRecord,
    FormatError,
    ReadOptions,
    ThreadRecord,
    record_checked,
)

GOLD_FOLDER = "gold"
STANCE_TARGET = "StanceTarget"  # the attribute (a name) or relation (a claim) of a stance target
DEFAULT_STANCE = "neutral"
BYTE_FILES = "byte-offset files"
LONE_TEXTS = "brat .txt files without an .ann, left out"


@dataclass(frozen=True)
class Pair:
    ann: Path
    txt: Path
    name: str  # the .ann's path from the folder read, for claim ids and messages
    owner: str  # the folder holding it: whose labels, when no --annotator
    gold: bool


def read(path: Path, options: ReadOptions) -> Iterator[ThreadRecord]:
    """Yield one thread per name among the pairs at ``path`` (a pair's file, or a folder)."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in _pairs(Path(path), options):
        groups[pair.ann.stem].append(pair)
    for name in sorted(groups):
        yield _thread(name, groups[name], options)


def thread_id(name: str) -> str:
    """A file name's thread id: ``%2F`` and ``%25`` (how the writer spells / and %) decoded."""
    return re.sub("%(2[Ff]|25)", lambda m: "/" if m.group(1) != "25" else "%", name)


def _pairs(path: Path, options: ReadOptions) -> Iterator[Pair]:
    if path.is_dir():
        root, anns = path, sorted(_files(path, "*.ann"))
        lone = {p.with_suffix("") for p in _files(path, "*.txt")} - {
            p.with_suffix("") for p in anns
        }
        if lone:
            options.counts[LONE_TEXTS] += len(lone)
        if not anns:
            raise FormatError("the folder holds no brat .ann file", file=str(path))
    elif path.suffix.lower() in (".ann", ".txt"):
        root, anns = path.parent, [path.with_suffix(".ann")]
    else:
        raise FormatError(
            "a brat file is a .ann or a .txt (of a pair), or a folder", file=str(path)
        )
    named = root.resolve().name  # what the folder read is called, even given as "."
    for ann in anns:
        txt = ann.with_suffix(".txt")
        for needed in (ann, txt):
            if not needed.is_file():
                raise FormatError(
                    f"no {needed.name} beside {(txt if needed is ann else ann).name}: brat"
                    " files come in pairs",
                    file=str(needed.parent / needed.name),
                )
        owner = unquote(named if ann.parent == root else ann.parent.name)
        gold = options.as_gold or owner == GOLD_FOLDER
        yield Pair(ann, txt, ann.relative_to(root).as_posix(), owner, gold)


def _files(folder: Path, pattern: str) -> Iterator[Path]:
    """The files of ``folder`` and below matching ``pattern``, less what macOS adds to zips
    (``__MACOSX/``, ``._*``)."""
    for path in folder.rglob(pattern):
        if not path.name.startswith("._") and "__MACOSX" not in path.parts:
            yield path


def _text(path: Path, *, labels: bool = False) -> str:
    """A file's text; for ``labels`` (an .ann or post map), refused if it holds a NUL."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte {exc.start + 1} cannot be decoded)", file=str(path)
        ) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    if labels and "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError(
            "holds a NUL character (\\u0000), which no database stores", file=str(path), line=line
        )
    return text


@dataclass
class _Shell:
    """What every pair of a thread must agree on: its texts and their reply tree."""

    title: str
    body: str
    author: str
    meta: dict[str, Any]
    comments: list[CommentRecord]

    def same_as(self, other: _Shell) -> bool:
        mine = [(c.id, c.parent_id, c.text, c.author) for c in self.comments]
        theirs = [(c.id, c.parent_id, c.text, c.author) for c in other.comments]
        return (self.title, self.body, self.author, self.meta, mine) == (
            other.title,
            other.body,
            other.author,
            other.meta,
            theirs,
        )


def _thread(name: str, pairs: list[Pair], options: ReadOptions) -> ThreadRecord:
    shell: _Shell | None = None
    first: Pair | None = None
    owners: dict[tuple[str, bool], Pair] = {}  # (annotator, gold) -> the pair that brought them
    sections: dict[bool, dict[str, list[dict[str, Any]]]] = {
        False: {"claims": [], "reply_labels": []},
        True: {"claims": [], "reply_labels": []},
    }
    for pair in pairs:
        annotator = options.annotator or pair.owner
        key = ("", True) if pair.gold else (annotator, False)  # a thread has one gold
        if key in owners:
            whose = "gold labels" if pair.gold else f"{annotator!r}'s labels"
            raise FormatError(
                f"two files bring {whose} on thread {thread_id(name)!r}:"
                f" {owners[key].name} and {pair.name} (without --annotator, the folder"
                " holding a pair names whose labels it has)",
                file=str(pair.ann),
            )
        owners[key] = pair
        pair_shell, claims, labels = _pair_read(pair, annotator, options)
        if shell is None:
            shell, first = pair_shell, pair
        elif not shell.same_as(pair_shell):
            assert first is not None
            raise FormatError(
                f"thread {thread_id(name)!r}: its text or post map differs from that of"
                f" {first.name}; every annotator's copy of a thread must be the same",
                file=str(pair.txt),
            )
        sections[pair.gold]["claims"].extend(claims)
        sections[pair.gold]["reply_labels"].extend(labels)
    assert shell is not None
    record = ThreadRecord(
        id=thread_id(name),
        title=shell.title,
        body=shell.body,
        author=shell.author,
        meta=shell.meta,
        comments=shell.comments,
    )
    # The texts are checked for what no database stores; the labels need no walk of their
    # own: their quotes are slices of the texts, and every other string in them comes from an
    # .ann or post map that _text() found free of NUL characters.
    record = record_checked(record, file=str(pairs[0].txt))
    record.annotations, record.gold = sections[False], sections[True]
    return record


def _pair_read(
    pair: Pair, annotator: str, options: ReadOptions
) -> tuple[_Shell, list[dict[str, Any]], list[dict[str, Any]]]:
    """One pair: the thread's texts, and the claims and reply labels of its ``.ann`` and map."""
    text = _text(pair.txt)
    ann_file = str(pair.ann)
    standoff = standoff_read(_text(pair.ann, labels=True), file=ann_file)
    map_path = pair.ann.with_suffix(".metadata")
    postmap = (
        postmap_read(_text(map_path, labels=True), file=str(map_path))
        if map_path.is_file()
        else None
    )

    def fail(message: str, line: int | None) -> FormatError:
        return FormatError(message, file=ann_file, line=line)

    if standoff.spans:
        offsets = offsets_read(text, [s.at for s in standoff.spans], fail)
    else:
        offsets = _map_offsets(text, postmap)
    if offsets.unit == BYTES:
        options.counts[BYTE_FILES] += 1

    layout = Layout(postmap, offsets, file=str(map_path)) if postmap else None
    if layout is None:
        shell = _Shell(first_line(text), text, "", {}, [])
        whole: list[Text] = [Text(None, 0, len(text), 1)]
    else:
        shell = _layout_shell(layout, text, thread_id(pair.ann.stem))
        whole = layout.texts
    claims = _claims(pair, standoff, offsets, layout, whole[0], annotator, postmap, options, fail)
    labels = _reply_labels(pair, postmap, layout, annotator, options) if postmap else []
    return shell, claims, labels


def _map_offsets(text: str, postmap: PostMap | None) -> Offsets:
    """A file without spans: its post map's offsets count code points if they fit the text."""
    chars = Offsets(text, CHARS)
    if postmap is None or text.isascii():
        return chars
    ends = [p.end for p in postmap.posts] + [p.start for p in postmap.posts]
    if max(ends) <= chars.length + 1:
        return chars
    return Offsets(text, BYTES)


def _layout_shell(layout: Layout, text: str, thread: str) -> _Shell:
    body_text = layout.texts[0]
    article = layout.article
    comments = []
    previous: str | None = None
    for post in layout.comments:
        parent = post.parent if post.parent is not None else previous
        comments.append(
            CommentRecord(
                id=post.id,
                parent_id=None if parent == article.id else parent,
                text=text[post.start : post.end],
                author=post.author,
                line=post.line,
            )
        )
        previous = post.id
    return _Shell(
        layout.title,
        text[body_text.start : body_text.end],
        article.author,
        # The article's post id, when it is not the thread's (a Threadlab export writes it back).
        {} if article.id == thread else {"post_id": article.id},
        comments,
    )


def _claims(
    pair: Pair,
    standoff: Standoff,
    offsets: Offsets,
    layout: Layout | None,
    article: Text,
    annotator: str,
    postmap: PostMap | None,
    options: ReadOptions,
    fail: Any,
) -> list[dict[str, Any]]:
    """The ``.ann``'s spans as claims of the jsonl export's shape, in file order."""
    text = offsets.text
    local = {span.id: f"{pair.name}:{span.id}" for span in standoff.spans}
    targets: dict[str, tuple[Any, int]] = {}
    relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: dict[tuple[str, str, str], int] = {}
    for relation in standoff.relations:
        if relation.source == relation.target:
            raise fail(f"relation {relation.id} links {relation.source} to itself", relation.line)
        key = (relation.type, relation.source, relation.target)
        if key in seen:
            raise fail(f"relation {relation.id} repeats the one on line {seen[key]}", relation.line)
        seen[key] = relation.line
        if relation.type == STANCE_TARGET:
            if relation.source in targets:
                raise fail(f"{relation.source} has a second stance target", relation.line)
            targets[relation.source] = ({"claim": local[relation.target]}, relation.line)
        else:
            relations[relation.source].append(
                {"type": relation.type, "claim": local[relation.target]}
            )
    gold_map = postmap.gold if postmap else {}
    claims = []
    for span in standoff.spans:
        at = span.at
        start, end = offsets.to_chars(at.start), offsets.to_chars(at.end)
        assert start is not None and end is not None  # offsets_read matched every quote
        if layout is None:
            place, local_start, local_end = article, start, end
        else:
            place, local_start, local_end = layout.place(
                start, end, what=span.id, file=str(pair.ann), line=at.line
            )
        attributes = dict(standoff.attributes.get(span.id, {}))
        stance = attributes.pop(options.stance_attribute, DEFAULT_STANCE)
        if (span.id, options.stance_attribute) in standoff.binary:
            line = standoff.attribute_lines[(span.id, options.stance_attribute)]
            raise fail(f"the stance attribute {options.stance_attribute!r} needs a value", line)
        target: Any = "thesis" if place.post is None else "parent"
        named_target = attributes.pop(STANCE_TARGET, None)
        if named_target is not None:
            line = standoff.attribute_lines[(span.id, STANCE_TARGET)]
            if span.id in targets or (span.id, STANCE_TARGET) in standoff.binary:
                raise fail(f"{span.id} needs one stance target: a name or a claim", line)
            target = named_target
        elif span.id in targets:
            target = targets[span.id][0]
        claim: dict[str, Any] = {
            "id": local[span.id],
            "annotator": annotator,
            "comment_id": place.post,
            "start": local_start,
            "end": local_end,
            "text": text[start:end],
            "claim_type": span.type,
            "stance": stance,
            "stance_target": target,
            "note": "\n".join(standoff.notes.get(span.id, ())),
            "created_at": None,
            "updated_at": None,
            "relations": relations.get(span.id, []),
            "attributes": attributes,
        }
        if pair.gold:
            claim.update(_settled(gold_map.get(span.id), pair, options, at.line, fail))
            claim["annotator"] = claim["settled_by"]
        claims.append(claim)
    return claims


def _settled(
    provenance: Any, pair: Pair, options: ReadOptions, line: int, fail: Any
) -> dict[str, Any]:
    """A gold label's ``settled_by`` and ``source``: the map's, else --annotator's."""
    if provenance is not None:
        return {"settled_by": provenance.settled_by, "source": provenance.source}
    reviewer = options.annotator or (pair.owner if options.as_gold else None)
    if reviewer is None:
        raise fail(
            "a gold label needs the reviewer who settled it: the post map has no Gold line"
            " for it, so name one (--annotator NAME)",
            line,
        )
    return {"settled_by": reviewer, "source": None}


def _reply_labels(
    pair: Pair, postmap: PostMap, layout: Layout | None, annotator: str, options: ReadOptions
) -> list[dict[str, Any]]:
    assert layout is not None
    comments = {post.id for post in layout.comments}
    map_file = str(pair.ann.with_suffix(".metadata"))

    def fail(message: str, line: int | None) -> FormatError:
        return FormatError(message, file=map_file, line=line)

    labels = []
    for item in postmap.reply_labels:
        if item.post not in comments:
            raise fail(
                f"ReplyLabel: {item.post!r} is no comment of this map (the first post is the"
                " article, which replies to nothing)",
                item.line,
            )
        if item.toward not in SUPPORTED_TOWARD:
            raise fail(
                f"ReplyLabel: toward {item.toward!r} is not supported: Threadlab keeps reply"
                f" labels toward {', '.join(SUPPORTED_TOWARD)}",
                item.line,
            )
        label: dict[str, Any] = {
            "annotator": annotator,
            "comment_id": item.post,
            "label": item.label,
            "toward": item.toward,
        }
        if pair.gold:
            label.update(_settled(item.provenance, pair, options, item.line, fail))
            label["annotator"] = label["settled_by"]
        labels.append(label)
    return labels
