"""A Label Studio region's offsets read as code points, or as UTF-16 code units.

Label Studio's text editor runs in the browser, where a string's length and
indices count UTF-16 code units: a character outside the Basic Multilingual
Plane (most emoji, 𝕏) is two units there and one code point in Python.
Some versions wrote those units, others write code points (Label Studio's
issues #539 and #1347 tell of spans after an emoji shifted by one). A region's
own ``text`` tells which reading a file used: the one whose span of the task's
text equals it.
"""

from __future__ import annotations

import re

# Any character outside the Basic Multilingual Plane: the only ones the two readings count
# differently. A text without one reads the same both ways.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextOffsets:
    """One task text and what reading its regions' offsets needs (the UTF-16 table, lazily)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.astral = _ASTRAL.search(text) is not None
        self._table: list[int] | None = None

    def span(self, start: int, end: int, quote: str | None) -> tuple[int, int, bool] | None:
        """``(start, end, converted)`` in code points, or None when no reading fits.

        Code points are tried first; UTF-16 units only when the text has astral characters
        (without one both readings are the same) and the code-point reading does not match
        ``quote``. Without a quote, the offsets are taken as code points if they fit the text.
        """
        text = self.text
        fits = 0 <= start < end <= len(text)
        if quote is None:
            return (start, end, False) if fits else None
        if fits and text[start:end] == quote:
            return start, end, False
        if not self.astral:
            return None
        table = self._utf16_table()
        if not 0 <= start < end < len(table):
            return None
        first, last = table[start], table[end]
        if first < 0 or last < 0 or text[first:last] != quote:
            return None  # a span that splits a surrogate pair is no reading of this text
        return first, last, True

    def _utf16_table(self) -> list[int]:
        """Code point index of each UTF-16 offset of the text (-1 inside a surrogate pair)."""
        if self._table is None:
            table: list[int] = []
            append = table.append
            for index, char in enumerate(self.text):
                append(index)
                if char > "\uffff":
                    append(-1)
            append(len(self.text))
            self._table = table
        return self._table
