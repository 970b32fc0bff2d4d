"""The claim rules, pure: what makes a claim's span and stance target valid.

One place for the rules that the annotation services (a claim saved from the
annotator's page) and the importer (claims read from a file) both enforce, so
the two cannot drift apart (DESIGN.md, "Claim"):

- the span: ``0 <= start < end <= len(text)`` in code points (Python ``str``
  indices) and the quote equal to ``text[start:end]``;
- exactly one stance target: a value of the schema's targets, or a claim;
- ``parent`` is no target for a claim in the article, which replies to nothing;
- a note is at most ``NOTE_MAX_LENGTH`` (2,000) characters;
- a target claim is the same annotator's (gold answers gold) in the same
  thread, in a text this claim's text replies to: the article body or a
  comment up the reply chain. A claim in the article body can only target a
  value;
- a relation links a claim to another claim (never itself) of the same
  annotator (gold: to gold) in the same thread, in the same text or up the
  reply chain;
- a claim's attributes are a flat object of names to strings.

No ORM and no models here: callers pass plain values (texts, offsets, database
ids or usernames and external ids) and get :class:`ClaimRuleError` when a rule
is broken. Its message is worded for the person saving a claim in the browser
(the services show it as it is); its ``rule`` says which rule broke, so the
importer words it for a file instead.

The codecs keep their own structural checks of spans
(``threads.formats.jsonl.check_labels``): ``threads`` never imports ``annotate``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

# The name of the schema's stance target "the text this comment replies to".
PARENT_TARGET = "parent"
# A claim's note is a remark, not a document: a limit keeps rows, pages and exports small.
# Checked here rather than by the model's max_length, which on SQLite would rebuild the
# claim table (and drop its triggers) to change.
NOTE_MAX_LENGTH = 2000

TextKey = TypeVar("TextKey", bound=Hashable)


class ClaimRule(StrEnum):
    """Which rule a claim broke: callers that word errors their own way branch on it."""

    SPAN_NOT_WHOLE_NUMBERS = "span_not_whole_numbers"
    SPAN_OUTSIDE_TEXT = "span_outside_text"
    SPAN_EMPTY = "span_empty"
    QUOTE_MISMATCH = "quote_mismatch"
    NOT_ONE_TARGET = "not_one_target"
    ARTICLE_HAS_NO_PARENT = "article_has_no_parent"
    TARGET_NOT_OWN = "target_not_own"
    TARGET_FROM_ARTICLE = "target_from_article"
    TARGET_NOT_UP_THE_CHAIN = "target_not_up_the_chain"
    NOTE_TOO_LONG = "note_too_long"
    RELATION_TO_ITSELF = "relation_to_itself"
    RELATION_NOT_OWN = "relation_not_own"
    RELATION_NOT_UP_THE_CHAIN = "relation_not_up_the_chain"
    ATTRIBUTES_NOT_STRINGS = "attributes_not_strings"


class ClaimRuleError(ValueError):
    """A claim breaks ``rule``; ``message`` says so to the person saving it.

    ``field`` is the form field the message belongs to (``"stance_target"``),
    or None for the claim as a whole (its span).
    """

    def __init__(self, rule: ClaimRule, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class ClaimPlace(NamedTuple, Generic[TextKey]):
    """Whose a claim is and where it sits: what the target rules compare.

    The ids are whatever the caller keys things by: database ids in the
    services, usernames and external ids in the importer. ``text`` is the
    comment the claim is in, None for the article body.
    """

    annotator: Hashable
    is_gold: bool
    thread: Hashable
    text: TextKey | None


def span_check(*, text: str, start: int, end: int, quote: str, in_article: bool) -> None:
    """Offsets are code points of the stored text; the quote must be exactly that slice.

    ``in_article`` says whether ``text`` is the article body or a comment, for the message.
    """
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ClaimRuleError(
            ClaimRule.SPAN_NOT_WHOLE_NUMBERS, "Start and end must be whole numbers."
        )
    if start < 0 or end > len(text):
        where = "the article" if in_article else "this comment"
        raise ClaimRuleError(
            ClaimRule.SPAN_OUTSIDE_TEXT,
            f"The selection [{start}, {end}) is outside {where} "
            f"(it has {len(text)} characters). Select the text again.",
        )
    if start >= end:
        raise ClaimRuleError(
            ClaimRule.SPAN_EMPTY, "The selection is empty: select at least one character."
        )
    if text[start:end] != quote:
        raise ClaimRuleError(
            ClaimRule.QUOTE_MISMATCH,
            "The selected text does not match the stored text at those positions "
            "(the page may be out of date). Reload the page and select it again.",
        )


def note_check(*, note: str) -> None:
    """A claim's note is at most ``NOTE_MAX_LENGTH`` characters (code points)."""
    if len(note) > NOTE_MAX_LENGTH:
        raise ClaimRuleError(
            ClaimRule.NOTE_TOO_LONG,
            f"The note has {len(note):,} characters; keep it to {NOTE_MAX_LENGTH:,}.",
            field="note",
        )


def one_target_check(*, value: object | None, target_claim: object | None) -> None:
    """A claim has exactly one stance target: a schema value (``value``) or a claim."""
    if (value is None) == (target_claim is None):
        raise ClaimRuleError(
            ClaimRule.NOT_ONE_TARGET,
            "Choose one stance target: a target value or an earlier claim.",
            field="stance_target",
        )


def target_value_check(*, name: str, in_article: bool) -> None:
    """``parent`` is the text a comment replies to: a claim in the article cannot target it."""
    if in_article and name == PARENT_TARGET:
        raise ClaimRuleError(
            ClaimRule.ARTICLE_HAS_NO_PARENT,
            "The article replies to nothing: its claims target the thesis.",
            field="stance_target",
        )


def target_claim_check(
    *,
    claim: ClaimPlace[TextKey],
    target: ClaimPlace[TextKey],
    parent_of: Callable[[TextKey], TextKey | None],
) -> None:
    """``target`` may be the stance target of ``claim``: the argument graph runs up the thread.

    It must be the same annotator's in the same thread (a gold claim answers any gold claim:
    gold is the reviewers' one shared version, whoever settled each claim), and
    ``claim`` must be in a comment whose reply chain holds ``target``'s text
    (the article body is at the top of every chain). ``parent_of(comment)`` is
    the comment it replies to (None for a top-level one); it is asked only when
    the target is in a comment, one level at a time and no further than that
    comment, so a caller may look parents up as it goes.
    """
    same_author = claim.is_gold or target.annotator == claim.annotator
    if not same_author or target.is_gold != claim.is_gold or target.thread != claim.thread:
        raise ClaimRuleError(
            ClaimRule.TARGET_NOT_OWN,
            "The target claim must be one of your own claims in this thread.",
            field="stance_target",
        )
    if claim.text is None:
        raise ClaimRuleError(
            ClaimRule.TARGET_FROM_ARTICLE,
            "A claim in the article can only target the thesis.",
            field="stance_target",
        )
    if target.text is not None and not replies_to(claim.text, target.text, parent_of):
        raise ClaimRuleError(
            ClaimRule.TARGET_NOT_UP_THE_CHAIN,
            "The target claim must be in the article or in a comment "
            "this one replies to (up the reply chain).",
            field="stance_target",
        )


def relation_check(
    *,
    claim: ClaimPlace[TextKey],
    other: ClaimPlace[TextKey],
    parent_of: Callable[[TextKey], TextKey | None],
    itself: bool = False,
) -> None:
    """``claim`` may relate to ``other`` ("supports #12"): an argument runs within a text or up
    the thread, as a target claim does, and here the same text counts too.

    ``itself`` says that the two are one claim. ``other`` must be the same annotator's in the
    same thread (gold: gold, whoever settled it) and lie in ``claim``'s text or in a text that
    text replies to; from the article body, only within the article body. ``parent_of`` is asked
    as for :func:`target_claim_check`.
    """
    if itself:
        raise ClaimRuleError(
            ClaimRule.RELATION_TO_ITSELF,
            "A relation links two different claims: choose another claim.",
            field="relation",
        )
    same_author = claim.is_gold or other.annotator == claim.annotator
    if not same_author or other.is_gold != claim.is_gold or other.thread != claim.thread:
        raise ClaimRuleError(
            ClaimRule.RELATION_NOT_OWN,
            "The other claim of a relation must be one of your own claims in this thread.",
            field="relation",
        )
    if other.text is None or other.text == claim.text:
        return
    if claim.text is None or not replies_to(claim.text, other.text, parent_of):
        raise ClaimRuleError(
            ClaimRule.RELATION_NOT_UP_THE_CHAIN,
            "The other claim of a relation must be in the same text, or in the article or a "
            "comment this one replies to (up the reply chain).",
            field="relation",
        )


def attributes_check(*, attributes: object) -> None:
    """A claim's attributes are a flat object: names (not empty) to strings, as brat has them."""
    if type(attributes) is not dict:
        raise ClaimRuleError(
            ClaimRule.ATTRIBUTES_NOT_STRINGS,
            "A claim's attributes must be an object of names to strings.",
            field="attributes",
        )
    for name, value in attributes.items():
        if type(name) is not str or not name or type(value) is not str:
            raise ClaimRuleError(
                ClaimRule.ATTRIBUTES_NOT_STRINGS,
                f"The attribute {name!r} must have a name and a string value, not "
                f"{type(value).__name__} {value!r}.",
                field="attributes",
            )


def replies_to(
    comment: TextKey, ancestor: TextKey, parent_of: Callable[[TextKey], TextKey | None]
) -> bool:
    """Whether ``ancestor`` is up the reply chain of ``comment`` (``comment`` itself is not)."""
    current = parent_of(comment)
    while current is not None:
        if current == ancestor:
            return True
        current = parent_of(current)
    return False
