"""Import, second stage: thread records checked against the corpus, as rows ready to write.

The codec has checked each record's structure: required fields and types, and
for labels each claim's span, quote and id (``threads.formats.jsonl``). What is
left needs the corpus and the whole thread: field sizes the database enforces,
the comments in display order with the orphan policy applied, label names of
the corpus's schema turned into ids (names it lacks added to it, or refused:
:mod:`.schema_additions`), and the claim rules (``annotate.rules``:
span, one stance target, a target claim up the reply chain; relations and
attributes in :mod:`.relations`). Every problem is a
:class:`FormatError` naming the file, the line, the thread and the claim or
label. The result is plain rows (:mod:`.rows`); nothing is written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.utils import timezone

from annotate import rules
from annotate.exchange.relations import attributes_checked, relations_read, relations_resolved
from annotate.exchange.rows import CheckedClaim, CheckedReplyLabel, CheckedThread, Timestamp
from annotate.exchange.schema_additions import Schema
from annotate.models import LabelKind, Toward
from threads.formats.records import FormatError, ThreadRecord
from threads.formats.tree import order_comments
from threads.models import Corpus

# Field sizes the database enforces (PostgreSQL refuses longer values).
_MAX_ID = 255
_MAX_TITLE = 1000
_MAX_AUTHOR = 255
_MAX_URL = 2000
# A set, not ``Toward.values``, which builds its list on every call (once per reply label).
_TOWARDS = frozenset(Toward.values)


class ThreadChecker:
    """Checks records against one corpus: its schema's label ids are read once, for the run."""

    def __init__(self, *, corpus: Corpus, orphans: str, strict_schema: bool = False) -> None:
        self.corpus = corpus
        self.orphans = orphans
        # Label values the corpus lacks are added to its schema, or refused when strict.
        self.schema = Schema(corpus=corpus, strict=strict_schema)
        self.label_ids = self.schema.ids
        # The directions the checked reply labels take, for the import to turn on those the
        # corpus's schema does not label yet.
        self.directions: set[str] = set()

    def thread(self, record: ThreadRecord, *, file: str) -> CheckedThread:
        """``record`` checked, its comments in display order, its labels as rows."""

        def error(message: str, line: int | None = None) -> FormatError:
            return FormatError(
                f"thread {record.id!r}: {message}", file=file, line=line or record.line
            )

        _text_check(record.id, "thread id", _MAX_ID, error)
        _text_check(record.title, "title", _MAX_TITLE, error)
        _text_check(record.body, "body", None, error)
        _text_check(record.author, "author", _MAX_AUTHOR, error)
        _text_check(record.url, "url", _MAX_URL, error)
        if not isinstance(record.meta, dict):
            raise error("meta must be an object")
        ordered = order_comments(record, orphans=self.orphans, file=file)
        for comment in ordered.comments:
            cid, text, author = comment.id, comment.text, comment.author
            # One cheap test for the common case; the detailed checks name the problem.
            if not (
                type(cid) is str
                and len(cid) <= _MAX_ID
                and type(text) is str
                and "\x00" not in text
                and (not author or (type(author) is str and len(author) <= _MAX_AUTHOR))
                and "\x00" not in cid
                and (not author or "\x00" not in author)
            ):
                line = comment.line
                _text_check(cid, "comment id", _MAX_ID, error, line)
                _text_check(text, f"text of comment {cid!r}", None, error, line)
                _text_check(author, f"author of comment {cid!r}", _MAX_AUTHOR, error, line)
        checked = CheckedThread(
            record=record,
            comments=ordered.comments,
            claims=[],
            reply_labels=[],
            file=file,
            orphans_attached=ordered.orphans_attached,
            orphans_skipped=ordered.orphans_skipped,
        )
        if not _has_labels(record):
            return checked

        texts: dict[str | None, str] = {None: record.body}
        parents: dict[str, str | None] = {}
        depths: dict[str, int] = {}
        for comment in ordered.comments:
            texts[comment.id] = comment.text
            parents[comment.id] = comment.parent_id
            depths[comment.id] = comment.depth or 0
        tree = _Tree(thread=record.id, texts=texts, parents=parents, depths=depths)
        skipped = {c.id for c in record.comments} - texts.keys()
        for section, is_gold in ((record.annotations, False), (record.gold, True)):
            if section is None:
                continue
            if not isinstance(section, dict):
                raise error(f"{'gold' if is_gold else 'annotations'} must be an object")
            checked.claims.extend(
                self._claims(section.get("claims") or [], is_gold, tree, skipped, error)
            )
            checked.reply_labels.extend(
                self._reply_labels(
                    section.get("reply_labels") or [], is_gold, texts, skipped, error
                )
            )
        return checked

    def _label_id(self, kind: str, value: Any, what: str, error: Callable[..., Any]) -> int:
        return self.schema.value_id(kind, value, what, error)

    def _claims(
        self,
        items: Any,
        is_gold: bool,
        tree: _Tree,
        skipped: set[str],
        error: Callable[..., FormatError],
    ) -> list[CheckedClaim]:
        section = "gold" if is_gold else "annotations"
        if not isinstance(items, list):
            raise error(f"{section} claims must be a list")
        now = timezone.now().isoformat()  # as text, like most times in a file (_timestamp)
        texts = tree.texts
        by_id: dict[Any, CheckedClaim] = {}
        dropped: set[Any] = set()
        claim_types = self.label_ids[LabelKind.CLAIM_TYPE]
        stances = self.label_ids[LabelKind.STANCE]
        stance_targets = self.label_ids[LabelKind.STANCE_TARGET]
        relation_types = self.label_ids[LabelKind.RELATION]
        span_check, one_target_check = rules.span_check, rules.one_target_check
        target_value_check = rules.target_value_check
        note_check = rules.note_check
        for item in items:
            local_id = item["id"]
            comment = item["comment_id"]
            if comment is not None and comment in skipped:
                dropped.add(local_id)  # its comment was left out as an orphan: so is it
                continue
            if comment not in texts:
                raise error(
                    f"{_claim_name(local_id, is_gold)}: comment_id {comment!r} "
                    "names no comment of the thread"
                )
            text = texts[comment]
            start, end, quote = item["start"], item["end"], item["text"]
            try:
                span_check(text=text, start=start, end=end, quote=quote, in_article=comment is None)
            except rules.ClaimRuleError as broken:
                raise error(
                    f"{_claim_name(local_id, is_gold)}: "
                    f"{_span_wording(broken, text, start, end, quote)}"
                ) from None
            claim_type_id = claim_types.get(item["claim_type"])
            stance_id = stances.get(item["stance"])
            target = item["stance_target"]
            stance_target_id: int | None = None
            target_claim = None
            if type(target) is dict:
                target_claim = target["claim"]
            else:
                stance_target_id = stance_targets.get(target)
            if (
                claim_type_id is None
                or stance_id is None
                or (target_claim is None and stance_target_id is None)
            ):
                # A value the schema lacks: added to it, or refused naming the claim.
                what = _claim_name(local_id, is_gold)
                claim_type_id = self._label_id(
                    LabelKind.CLAIM_TYPE, item["claim_type"], what, error
                )
                stance_id = self._label_id(LabelKind.STANCE, item["stance"], what, error)
                if target_claim is None:
                    stance_target_id = self._label_id(LabelKind.STANCE_TARGET, target, what, error)
            try:
                one_target_check(value=stance_target_id, target_claim=target_claim)
                if target_claim is None:
                    target_value_check(name=target, in_article=comment is None)
            except rules.ClaimRuleError as broken:
                what = _claim_name(local_id, is_gold)
                raise error(f"{what}: {_target_wording(broken)}") from None
            note = item["note"] or ""
            try:
                note_check(note=note)
            except rules.ClaimRuleError:
                raise error(
                    f"{_claim_name(local_id, is_gold)}: the note has {len(note):,} characters;"
                    f" a note is at most {rules.NOTE_MAX_LENGTH:,}"
                ) from None
            created_at = _timestamp(item.get("created_at"), now, "claim", "created_at", error)
            what = _claim_name(local_id, is_gold)
            settled_by, source = _provenance(item, is_gold, what, error)
            relations = relations_read(
                item,
                type_ids=relation_types,
                annotator=settled_by,
                is_gold=is_gold,
                what=what,
                corpus=self.corpus.slug,
                error=error,
                type_added=partial(self._label_id, LabelKind.RELATION, what=what, error=error),
            )
            by_id[local_id] = CheckedClaim(
                local_id=local_id,
                annotator=settled_by,
                source=source,
                comment=comment,
                start=start,
                end=end,
                quote=quote,
                claim_type_id=claim_type_id,
                stance_id=stance_id,
                stance_target_id=stance_target_id,
                target=target_claim,
                note=note,
                created_at=created_at,
                updated_at=_timestamp(
                    item.get("updated_at"), created_at, "claim", "updated_at", error
                ),
                is_gold=is_gold,
                attributes=attributes_checked(item, what, error),
                relations=relations,
            )
        # Target claims lie up the reply chain, so following targets always ends;
        # taken shallowest text first, a target's level (its insert round) is
        # known before the claims that target it.
        depths = tree.depths
        parent_of = tree.parents.get
        for claim in sorted(
            by_id.values(), key=lambda c: -1 if c.comment is None else depths[c.comment]
        ):
            if claim.target is None:
                continue
            what = _claim_name(claim.local_id, is_gold)
            if claim.target in dropped:  # its target went with a skipped orphan: so does it
                dropped.add(claim.local_id)
                del by_id[claim.local_id]
                continue
            target = by_id.get(claim.target)
            if target is None:
                raise error(f"{what}: target claim {claim.target!r} is not in the {section}")
            try:
                rules.target_claim_check(
                    claim=rules.ClaimPlace(claim.annotator, is_gold, tree.thread, claim.comment),
                    target=rules.ClaimPlace(target.annotator, is_gold, tree.thread, target.comment),
                    parent_of=parent_of,
                )
            except rules.ClaimRuleError as broken:
                raise error(f"{what}: {_target_wording(broken, claim, target)}") from None
            claim.level = target.level + 1
        relations_resolved(
            by_id,
            dropped=dropped,
            thread=tree.thread,
            parent_of=parent_of,
            name=lambda local_id: _claim_name(local_id, is_gold),
            error=error,
        )
        return list(by_id.values())

    def _reply_labels(
        self,
        items: Any,
        is_gold: bool,
        texts: dict[str | None, str],
        skipped: set[str],
        error: Callable[..., FormatError],
    ) -> list[CheckedReplyLabel]:
        section = "gold" if is_gold else "annotations"
        if not isinstance(items, list):
            raise error(f"{section} reply labels must be a list")
        now = timezone.now().isoformat()  # as text, like most times in a file (_timestamp)
        seen: set[tuple[str, str, str]] = set()
        labels = []
        for item in items:
            if not isinstance(item, dict):
                raise error(f"{section}: a reply label must be an object, not {item!r}")
            annotator, comment = item.get("annotator"), item.get("comment_id")
            what = f"{'gold ' if is_gold else ''}reply label of {annotator!r} on {comment!r}"
            if not isinstance(annotator, str) or not annotator:
                raise error(f"{what}: the annotator must be a username")
            if comment in skipped:
                continue
            if comment is None or comment not in texts:
                raise error(f"{what}: comment_id {comment!r} names no comment of the thread")
            toward = item.get("toward", Toward.PARENT)
            if toward not in _TOWARDS:
                raise error(f'{what}: "toward" {toward!r} is neither "parent" nor "root"')
            if (annotator, comment, toward) in seen:
                raise error(f"{what}: a second label for the same comment toward the {toward}")
            seen.add((annotator, comment, toward))
            self.directions.add(toward)
            label_id = self._label_id(LabelKind.REPLY_LABEL, item.get("label"), what, error)
            created_at = _timestamp(item.get("created_at"), now, what, "created_at", error)
            updated_at = _timestamp(item.get("updated_at"), created_at, what, "updated_at", error)
            settled_by, source = _provenance(item, is_gold, what, error)
            labels.append(
                CheckedReplyLabel(
                    settled_by, comment, label_id, is_gold, created_at, updated_at, source, toward
                )
            )
        return labels


def _provenance(
    item: dict[str, Any], is_gold: bool, what: str, error: Callable[..., FormatError]
) -> tuple[str, str | None]:
    """Whose label it is in the database: an annotator's own is theirs; a gold one is the
    reviewer's who settled it (``settled_by``, the ``annotator`` when missing), accepted from
    ``source`` (an annotator, or None when the reviewer drew it)."""
    if not is_gold:
        return item["annotator"], None
    settled_by = item.get("settled_by") or item["annotator"]
    source = item.get("source")
    if not isinstance(settled_by, str) or not (source is None or isinstance(source, str)):
        raise error(f"{what}: settled_by and source must be usernames (source may be null)")
    return settled_by, source or None


@dataclass(frozen=True)
class _Tree:
    """A thread's texts and reply tree, keyed by comment external id (None: the article body)."""

    thread: str
    texts: dict[str | None, str]
    parents: dict[str, str | None]
    depths: dict[str, int]


def _claim_name(local_id: Any, is_gold: bool) -> str:
    """How errors name a claim of the file: by its id, and section when gold."""
    return f"{'gold ' if is_gold else ''}claim {local_id!r}"


def _span_wording(broken: rules.ClaimRuleError, text: str, start: Any, end: Any, quote: Any) -> str:
    """A broken span rule in the words of the codecs, which say it for a file, not a page."""
    if broken.rule is rules.ClaimRule.SPAN_NOT_WHOLE_NUMBERS:
        return '"start" and "end" must be integers'
    if broken.rule is rules.ClaimRule.QUOTE_MISMATCH:
        return f'"text" {quote!r} is not the text at [{start}, {end}): {text[start:end]!r}'
    return (
        f"span [{start}, {end}) must satisfy 0 <= start < end <= {len(text)}"
        " (the text's length in code points)"
    )


def _target_wording(
    broken: rules.ClaimRuleError,
    claim: CheckedClaim | None = None,
    target: CheckedClaim | None = None,
) -> str:
    """A broken target rule in the import's words: they name the claims of the file."""
    rule = broken.rule
    if rule is rules.ClaimRule.ARTICLE_HAS_NO_PARENT:
        return "a claim in the article body has no parent to target"
    if claim is None or target is None:
        return broken.message
    if rule is rules.ClaimRule.TARGET_NOT_OWN:
        return (
            f"target claim {claim.target!r} is by {target.annotator!r}, not by {claim.annotator!r}"
        )
    return f"target claim {claim.target!r} is not in a text this one replies to"


def _has_labels(record: ThreadRecord) -> bool:
    for section in (record.annotations, record.gold):
        if section and (not isinstance(section, dict) or any(section.values())):
            return True
    return False


def _text_check(
    value: Any,
    what: str,
    limit: int | None,
    error: Callable[..., FormatError],
    line: int | None = None,
) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise error(f"the {what} must be text, not {type(value).__name__}", line)
    if limit is not None and len(value) > limit:
        raise error(f"the {what} is longer than {limit} characters", line)
    if "\x00" in value:
        raise error(f"the {what} holds a NUL character", line)


# A UTC time as the exports write it (Python's isoformat, which leaves out a zero
# fraction). Most times of an import look like this: they go to the database as
# text, without building a datetime and formatting it back for every claim.
_UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?(?:\+00:00|Z)")


def _timestamp(
    value: Any,
    default: Timestamp,
    what: str,
    key: str,
    error: Callable[..., FormatError],
) -> Timestamp:
    """An aware datetime, or ``value`` itself when it is a UTC time in the exports' form."""
    if value is None or value == "":
        return default
    if type(value) is str and _UTC_ISO.fullmatch(value):
        return value
    if isinstance(value, datetime):
        return _aware(value) or default
    if isinstance(value, str):
        try:
            return _aware(datetime.fromisoformat(value)) or default
        except ValueError:
            pass
    raise error(f"{what}: {key} {value!r} is not an ISO 8601 time")


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value
