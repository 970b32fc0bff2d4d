"""Which unit a brat file's offsets count, and offsets turned into code points.

brat counts offsets in code points of the ``.txt`` (Python ``str`` indices), but
some real corpora (the CMV "modes of persuasion" corpus, v2.0) wrote UTF-8 byte
offsets in some files. Both readings agree on ASCII text; on other text each
span's quote tells them apart. A quote is compared with runs of whitespace
collapsed and its ends trimmed, because brat writes line breaks inside quotes
as spaces.

A file is read one way throughout: code points when every span's quote matches
that reading, else UTF-8 bytes when every quote matches that one, else an
error naming a line that neither reading explains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

CHARS = "code points"
BYTES = "UTF-8 bytes"


def collapsed(text: str) -> str:
    """``text`` with each run of whitespace one space and no whitespace at either end."""
    return " ".join(text.split())


@dataclass(slots=True)
class Quoted:
    """A span as a file gives it: offsets in the file's unit, the quote, and where it was read."""

    start: int
    end: int
    quote: str
    line: int


class Offsets:
    """One ``.txt`` read in one unit: offsets of that unit to code points.

    ``to_chars(n)`` is the code point index at offset ``n``, or None when ``n``
    is past the end or (for bytes) inside a character's encoding.
    """

    def __init__(self, text: str, unit: str) -> None:
        self.text = text
        self.unit = unit
        self._starts: dict[int, int] | None = None
        if unit == BYTES:
            starts: dict[int, int] = {}
            at = 0
            for index, char in enumerate(text):
                starts[at] = index
                code = ord(char)
                at += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
            starts[at] = len(text)
            self._starts = starts
            self.length = at
        else:
            self.length = len(text)

    def to_chars(self, offset: int) -> int | None:
        if self._starts is not None:
            return self._starts.get(offset)
        return offset if 0 <= offset <= self.length else None

    def slice(self, start: int, end: int) -> str | None:
        """The text between two offsets of this unit, or None when they are no span of it."""
        first, last = self.to_chars(start), self.to_chars(end)
        if first is None or last is None or first >= last:
            return None
        return self.text[first:last]

    def matches(self, span: Quoted) -> bool:
        found = self.slice(span.start, span.end)
        if found is None:
            return False
        return found == span.quote or collapsed(found) == collapsed(span.quote)


def offsets_read(
    text: str, spans: Sequence[Quoted], fail: Callable[[str, int | None], Exception]
) -> Offsets:
    """How ``text``'s spans count: code points if their quotes all say so, else UTF-8 bytes.

    ``fail(message, line)`` builds the error for a file no reading explains.
    A file whose text is all ASCII, or that has no spans, reads as code points.
    """
    chars = Offsets(text, CHARS)
    first_miss = next((s for s in spans if not chars.matches(s)), None)
    if first_miss is None:
        return chars
    if text.isascii():
        raise fail(_mismatch(chars, None, first_miss), first_miss.line)
    as_bytes = Offsets(text, BYTES)
    byte_miss = next((s for s in spans if not as_bytes.matches(s)), None)
    if byte_miss is None:
        return as_bytes
    if not as_bytes.matches(first_miss):
        raise fail(_mismatch(chars, as_bytes, first_miss), first_miss.line)
    raise fail(
        f"the offsets fit neither reading for the whole file: as code points, line"
        f" {first_miss.line} does not match its quote; as UTF-8 bytes, line {byte_miss.line}"
        " does not (a file is read one way throughout)",
        first_miss.line,
    )


def _mismatch(chars: Offsets, as_bytes: Offsets | None, span: Quoted) -> str:
    """Why ``span``'s quote is not the text at its offsets, in each reading tried."""
    said = f"the quote {_short(span.quote)!r} is not the text at {span.start}-{span.end}"
    if as_bytes is None:
        return f"{said}, which {_reads(chars, span)}"
    as_chars, in_bytes = _reads(chars, span), _reads(as_bytes, span)
    return f"{said}: as code points it {as_chars}; as UTF-8 bytes it {in_bytes}"


def _reads(offsets: Offsets, span: Quoted) -> str:
    found = offsets.slice(span.start, span.end)
    if found is not None:
        return f"reads {_short(found)!r}"
    if not 0 <= span.start < span.end:
        return "is no span (the start must come before the end)"
    if span.end > offsets.length:
        return f"runs past the end of the text ({offsets.length} {offsets.unit})"
    return "cuts a character in two"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
