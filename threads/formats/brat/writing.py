"""Writing brat: each thread as a ``.txt``, ``.ann`` and post map per annotator, and gold.

Layout of an export (a folder, or a zip holding one)::

    annotation.conf                 the types, relations and attributes used
    alice/NAME.txt .ann .metadata   alice's labels on thread NAME
    gold/NAME.txt .ann .metadata    the thread's gold labels
    NAME.txt .ann .metadata         a thread nobody labelled (an empty .ann)

``NAME`` is the thread id (``/`` and ``%`` written ``%2F``, ``%25``). The
``.txt`` is the thread's texts laid end to end, a blank line between them: the
title line, the article body, then each comment in display order (a body that
already starts with its title, as a brat import with a post map makes it, is
written once, its title inside it). The post map says where each text lies,
which post each comment answers and the annotator's reply labels, so the folder
imports again as the same threads, nested as they were.

In the ``.ann``: a ``T`` line per claim (its quote with line breaks as spaces,
as brat writes them), the stance as the ``Stance`` attribute (left out when it
is ``neutral``, which import assumes), a stance target other than the claim's
default (``thesis`` in the article, ``parent`` in a comment) as the
``StanceTarget`` attribute, or as a ``StanceTarget`` relation to the target
claim; each attribute (the value ``"true"`` written as a binary attribute, as
brat has it; a value that is not text as its JSON), each relation, and the note as
``AnnotatorNotes`` lines, one per line of the note. Gold claims' provenance is
in the map (``Gold`` lines). Times, URLs and meta do not travel in brat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threads.formats.brat.reading import DEFAULT_STANCE, GOLD_FOLDER, STANCE_TARGET
from threads.formats.brat.standoff import BINARY, NOTES, name_token
from threads.formats.records import ThreadRecord
from threads.formats.zipstream import BinaryOut, ZipStream

STANCE = "Stance"
CONF = "annotation.conf"
_SEPARATOR = "\n\n"


def file_name(thread_id: str) -> str:
    return thread_id.replace("%", "%25").replace("/", "%2F")


def folder_name(username: str) -> str:
    return "%2E" * len(username) if set(username) == {"."} else username.replace("%", "%25")


@dataclass
class _Laid:
    """A thread's ``.txt`` and the offset of each of its texts in it (None: the body)."""

    text: str
    at: dict[str | None, int]
    lines: list[str]  # the post map's lines every annotator's copy shares


def _laid(thread: ThreadRecord) -> _Laid:
    comment_ids = {c.id for c in thread.comments}
    post_id = thread.meta.get("post_id") if isinstance(thread.meta, dict) else None
    if not isinstance(post_id, str) or not post_id or post_id in comment_ids:
        post_id = thread.id
    while post_id in comment_ids:
        post_id += "~"
    title, body = thread.title, thread.body
    lines = [f"Title 0 {len(title)}"]
    if body.startswith(title):
        parts, body_at = [body], 0
    else:
        parts, body_at = [title, body], len(title) + len(_SEPARATOR)
        lines.append(f"Body {body_at} {body_at + len(body)}")
    lines.append(_content(post_id, thread.author, body_at, body_at + len(body)))
    at: dict[str | None, int] = {None: body_at}
    end = body_at + len(body)
    for comment in thread.comments:
        start = end + len(_SEPARATOR)
        parts.append(comment.text)
        at[comment.id] = start
        end = start + len(comment.text)
        lines.append(_content(comment.id, comment.author, start, end))
        parent = post_id if comment.parent_id is None else comment.parent_id
        lines.append(f"Reply {name_token(comment.id)} {name_token(parent)}")
    return _Laid(_SEPARATOR.join(parts) + "\n", at, lines)


def _content(post_id: str, author: str, start: int, end: int) -> str:
    tokens = ["Content", name_token(post_id), name_token(author), str(start), str(end)]
    return " ".join(t for t in tokens if t)  # no author: four fields


@dataclass
class Conf:
    """What an export's ``annotation.conf`` lists: every type, relation and attribute used."""

    entities: dict[str, None] = field(default_factory=dict)
    relations: dict[str, None] = field(default_factory=dict)
    attributes: dict[str, dict[str, None]] = field(default_factory=dict)

    def text(self) -> str:
        lines = ["# Written by Threadlab: the labels of this export.", "[entities]"]
        lines += list(self.entities)
        lines.append("[relations]")
        lines += [f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in self.relations]
        # Claims may overlap; brat shows overlapping spans only when the conf allows it.
        lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "[events]"]
        lines.append("[attributes]")
        for name, values in self.attributes.items():
            shown = "|".join(v for v in values if v)
            lines.append(f"{name}\tArg:<ENTITY>" + (f", Value:{shown}" if shown else ""))
        return "\n".join(lines) + "\n"


def _attribute_value(value: Any) -> str | None:
    """How an attribute's value is written: None for a binary attribute (``"true"``)."""
    if value == BINARY:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def standoff_text(
    claims: list[dict[str, Any]], laid: _Laid, conf: Conf, *, gold: bool
) -> tuple[str, list[str]]:
    """The ``.ann`` of ``claims`` (all in one thread) and the map's Gold lines for them."""
    ids = {claim["id"]: f"T{n}" for n, claim in enumerate(claims, start=1)}
    spans: list[str] = []
    other: list[str] = []
    gold_lines: list[str] = []
    counters = {"A": 0, "R": 0, "#": 0}

    def add(kind: str, body: str) -> None:
        counters[kind] += 1
        other.append(f"{kind}{counters[kind]}\t{body}")

    def attribute(name: str, span: str, value: Any) -> None:
        written = _attribute_value(value)
        conf.attributes.setdefault(name, {})[written or ""] = None
        tail = "" if written is None else f" {name_token(written)}"
        add("A", f"{name_token(name)} {span}{tail}")

    for claim in claims:
        span = ids[claim["id"]]
        start = laid.at[claim["comment_id"]] + claim["start"]
        end = start + claim["end"] - claim["start"]
        quote = claim["text"].replace("\r", " ").replace("\n", " ")
        claim_type = claim["claim_type"]
        conf.entities[name_token(claim_type)] = None
        spans.append(f"{span}\t{name_token(claim_type)} {start} {end}\t{quote}")
        if claim["stance"] != DEFAULT_STANCE:
            attribute(STANCE, span, claim["stance"])
        target = claim["stance_target"]
        if isinstance(target, dict):
            conf.relations[STANCE_TARGET] = None
            add("R", f"{STANCE_TARGET} Arg1:{span} Arg2:{ids[target['claim']]}")
        elif target != ("thesis" if claim["comment_id"] is None else "parent"):
            attribute(STANCE_TARGET, span, target)
        for name, value in (claim.get("attributes") or {}).items():
            if name and name not in (STANCE, STANCE_TARGET):
                attribute(name, span, value)
        for relation in claim.get("relations") or ():
            conf.relations[name_token(relation["type"])] = None
            add("R", f"{name_token(relation['type'])} Arg1:{span} Arg2:{ids[relation['claim']]}")
        if claim.get("note"):
            for line in claim["note"].split("\n"):
                add("#", f"{NOTES} {span}\t{line}")
        if gold:
            gold_lines.append(f"Gold {span} {_who(claim)}")
    return "".join(f"{line}\n" for line in spans + other), gold_lines


def _who(label: dict[str, Any]) -> str:
    """A gold label's provenance tokens: who settled it, and whose label it was (if anyone's)."""
    settled_by = label.get("settled_by") or label["annotator"]
    source = label.get("source")
    return name_token(settled_by) + ("" if not source else f" {name_token(source)}")


def thread_files(thread: ThreadRecord, conf: Conf) -> list[tuple[str, str]]:
    """The files of one thread: (path inside the export, text), each annotator's and gold's."""
    laid = _laid(thread)
    name = file_name(thread.id)
    owners: dict[tuple[str, bool], tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for gold, section in ((False, thread.annotations), (True, thread.gold)):
        for kind, index in (("claims", 0), ("reply_labels", 1)):
            for item in (section or {}).get(kind, ()):
                owner = GOLD_FOLDER if gold else item["annotator"]
                owners.setdefault((owner, gold), ([], []))[index].append(item)
    if not owners:
        return _files("", name, laid.text, "", laid.lines)
    files = []
    for (owner, gold), (claims, labels) in owners.items():
        ann, gold_lines = standoff_text(claims, laid, conf, gold=gold)
        lines = list(laid.lines)
        for label in labels:
            who = f" {_who(label)}" if gold else ""
            lines.append(
                f"ReplyLabel {name_token(label['comment_id'])}"
                f" {name_token(label.get('toward') or 'parent')} {name_token(label['label'])}{who}"
            )
        folder = GOLD_FOLDER if gold else folder_name(owner)
        files += _files(f"{folder}/", name, laid.text, ann, lines + gold_lines)
    return files


def _files(folder: str, name: str, text: str, ann: str, lines: list[str]) -> list[tuple[str, str]]:
    return [
        (f"{folder}{name}.txt", text),
        (f"{folder}{name}.ann", ann),
        (f"{folder}{name}.metadata", "".join(f"{line}\n" for line in lines)),
    ]


def write(threads: Iterable[ThreadRecord], directory: Path) -> int:
    """Write the threads as a brat folder at ``directory``; return the thread count."""
    directory = Path(directory)
    conf = Conf()
    count = 0
    for thread in threads:
        for path, text in thread_files(thread, conf):
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        count += 1
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CONF).write_text(conf.text(), encoding="utf-8")
    return count


def write_zip(threads: Iterable[ThreadRecord], out: BinaryOut, *, corpus_name: str) -> int:
    """Write the brat folder into a zip on ``out`` (which need not be seekable), under a folder
    named ``corpus_name``; return the thread count.

    One thread's files are made at a time, and the zip's directory is spooled to a temporary
    file (:mod:`threads.formats.zipstream`), so memory stays flat however many files it holds.
    """
    conf = Conf()
    count = 0
    with ZipStream(out) as archive:
        for thread in threads:
            for path, text in thread_files(thread, conf):
                archive.add(f"{corpus_name}/{path}", text.encode("utf-8"))
            count += 1
        archive.add(f"{corpus_name}/{CONF}", conf.text().encode("utf-8"))
    return count
