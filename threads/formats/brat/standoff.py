"""A brat ``.ann`` file, line by line: spans, attributes, relations and notes.

The lines Threadlab reads (brat's standoff format,
https://brat.nlplab.org/standoff.html), each a tab-separated id, body and text:

- ``T3<TAB>claim 10 42<TAB>quoted text``: a span (a "text-bound annotation") of
  one type. A discontinuous span (``10 20;25 30``) is refused: a claim is one span;
- ``A1<TAB>Type1 T3 evaluation_rational`` (and the older ``M1``): an attribute of
  a span, with a value, or without one for a binary attribute (kept as the value
  ``"true"``, as brat's own data has it, and written back binary);
- ``R1<TAB>support Arg1:T3 Arg2:T5``: a relation of a type from the first span to
  the second;
- ``#1<TAB>AnnotatorNotes T3<TAB>a note``: a note on a span; several notes on one
  span are its lines, in file order.

Any other kind (events ``E``, normalizations ``N``, equivalences ``*``) is refused
with a message naming the line, as are an id used twice, a second value of one
attribute, and an attribute, relation or note naming no span of the file.
Names (types, attributes, values) are written with whitespace and ``%`` escaped
as ``%XX`` (brat names have no spaces; Threadlab's may): reading unescapes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from threads.formats.brat.offsets import Quoted
from threads.formats.records import FormatError

NOTES = "AnnotatorNotes"
BINARY = "true"  # a binary attribute's value
_KINDS = {
    "T": "a span",
    "A": "an attribute",
    "M": "an attribute",
    "R": "a relation",
    "#": "a note",
    "E": "an event",
    "N": "a normalization",
    "*": "an equivalence",
}


@dataclass(slots=True)
class Span:
    id: str
    type: str
    at: Quoted  # offsets in the file's unit, the quote and the line


@dataclass(slots=True)
class Relation:
    id: str
    type: str
    source: str  # span ids
    target: str
    line: int


@dataclass
class Standoff:
    """The ``.ann`` file read: every list in file order."""

    spans: list[Span] = field(default_factory=list)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)  # span id -> name: value
    attribute_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    binary: set[tuple[str, str]] = field(default_factory=set)  # (span id, name) without a value
    relations: list[Relation] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)


def name_token(name: str) -> str:
    """A name as one token of an ``.ann`` or post map line (whitespace and ``%`` escaped)."""
    if any(c.isspace() or c == "%" for c in name):
        return "".join(quote(c, safe="") if c.isspace() or c == "%" else c for c in name)
    return name


def name_read(token: str) -> str:
    return unquote(token) if "%" in token else token


def standoff_read(data: str, *, file: str) -> Standoff:
    """The lines of an ``.ann`` file's text; a FormatError naming the file and line if any is
    wrong."""
    out = Standoff()
    kinds: dict[str, str] = {}  # id -> its line's kind letter
    pending_attributes: list[tuple[str, str, str, str | None, int]] = []
    pending_notes: list[tuple[str, str, int]] = []

    def fail(message: str, line: int) -> FormatError:
        return FormatError(message, file=file, line=line)

    for number, raw in enumerate(data.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line or line.isspace():
            continue
        parts = line.split("\t", 2)
        ident = parts[0].strip()
        kind = ident[:1]
        if kind not in ("T", "A", "M", "R", "#"):
            what = _KINDS.get(kind)
            name = f"{what} ({kind})" if what else f"of unknown kind {kind!r}"
            raise fail(
                f"line {ident!r} is {name}, which Threadlab does not read: it reads T (spans),"
                " A and M (attributes), R (relations) and # (notes)",
                number,
            )
        if len(parts) < 2 or not parts[1].strip():
            raise fail(f"{ident}: expected an id, a tab and the annotation", number)
        if ident in kinds:
            raise fail(f"the id {ident} is used twice", number)
        kinds[ident] = kind
        body = parts[1].split()
        if kind == "T":
            out.spans.append(_span(ident, body, parts, number, fail))
        elif kind in ("A", "M"):
            if len(body) not in (2, 3):
                raise fail(f"{ident}: an attribute is 'NAME ID' or 'NAME ID VALUE'", number)
            value = name_read(body[2]) if len(body) == 3 else None
            pending_attributes.append((ident, name_read(body[0]), body[1], value, number))
        elif kind == "R":
            out.relations.append(_relation(ident, body, number, fail))
        else:
            if len(body) != 2:
                raise fail(f"{ident}: a note is 'AnnotatorNotes ID<TAB>text'", number)
            pending_notes.append((body[1], parts[2] if len(parts) > 2 else "", number))

    # Attributes, relations and notes may come before the spans they name.
    def span_of(ident: str, what: str, number: int) -> str:
        kind = kinds.get(ident)
        if kind == "T":
            return ident
        if kind is None:
            raise fail(f"{what} names {ident}, which is no span of this file", number)
        raise fail(
            f"{what} names {ident}, {_KINDS[kind]}: Threadlab keeps these only on spans",
            number,
        )

    for ident, name, owner, value, number in pending_attributes:
        span = span_of(owner, f"attribute {ident}", number)
        values = out.attributes.setdefault(span, {})
        if name in values:
            first = out.attribute_lines[(span, name)]
            raise fail(
                f"{span} has a second {name!r} attribute (the first is on line {first})", number
            )
        if value is None:
            out.binary.add((span, name))
        values[name] = BINARY if value is None else value
        out.attribute_lines[(span, name)] = number
    for relation in out.relations:
        span_of(relation.source, f"relation {relation.id}", relation.line)
        span_of(relation.target, f"relation {relation.id}", relation.line)
    for owner, text, number in pending_notes:
        out.notes.setdefault(span_of(owner, "the note", number), []).append(text)
    return out


def _span(ident: str, body: list[str], parts: list[str], number: int, fail: Any) -> Span:
    if len(body) == 3 and body[1].isdigit() and body[2].isdigit() and len(parts) == 3:
        start, end = int(body[1]), int(body[2])
        if start < end:  # the common case, checked in one test
            return Span(ident, name_read(body[0]), Quoted(start, end, parts[2], number))
    rest = " ".join(body[1:])
    if ";" in rest:
        raise fail(
            f"{ident} is a discontinuous span ({rest}): a claim is one span of text;"
            " join its pieces or make each one a span of its own in brat",
            number,
        )
    if len(body) != 3 or not body[1].isdigit() or not body[2].isdigit():
        raise fail(f"{ident}: a span is 'TYPE START END<TAB>quote', not {parts[1]!r}", number)
    if len(parts) < 3:
        raise fail(f"{ident}: the quote is missing (a tab and the spanned text)", number)
    raise fail(
        f"{ident}: the span {body[1]}-{body[2]} is empty (the end must be past the start)", number
    )


def _relation(ident: str, body: list[str], number: int, fail: Any) -> Relation:
    args = [arg.split(":", 1) for arg in body[1:]]
    if len(args) != 2 or any(len(a) != 2 or not a[1] for a in args):
        raise fail(f"{ident}: a relation is 'TYPE Arg1:ID Arg2:ID'", number)
    return Relation(ident, name_read(body[0]), args[0][1], args[1][1], number)
