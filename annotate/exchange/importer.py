"""Import: labelled threads from files into the database, all or nothing.

The format codecs (``threads.formats``) are pure: files in, plain
:class:`ThreadRecord` objects out. This joins them to the models of both apps.
Import is one transaction for the whole run and writes in bulk: threads are
read in batches, each batch's articles are inserted at once, then its comments
level by level (the database checks a reply's parent already exists one level
up), then its claims in target order (a claim's target claim first), then its
reply labels. Everything is validated before it is written; any problem is a
:class:`FormatError` and nothing of the run stays in the database.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

from annotate.models import Claim, LabelKind, LabelValue, ReplyLabel
from annotate.services import corpus_get_or_create
from threads.formats import FORMATS, detect_format, read_threads
from threads.formats.records import CommentRecord, FormatError, ThreadRecord
from threads.formats.tree import ORPHAN_POLICIES, order_comments
from threads.models import Article, Comment, Corpus

# A batch of threads is validated, then written, together: big enough for few,
# large INSERTs, small enough to keep an import of any size in bounded memory.
_BATCH_COMMENTS = 5000
_BATCH_THREADS = 500

# Field sizes the database enforces (PostgreSQL refuses longer values).
_MAX_ID = 255
_MAX_TITLE = 1000
_MAX_AUTHOR = 255
_MAX_URL = 2000


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    threads: int = 0
    threads_existing: int = 0
    comments: int = 0
    orphans_attached: int = 0
    orphans_skipped: int = 0
    claims: int = 0
    reply_labels: int = 0
    users_created: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"Imported {_n(self.threads, 'thread')} ({self.threads_existing} already there), "
            f"{_n(self.comments, 'comment')} (orphans: {self.orphans_attached} attached, "
            f"{self.orphans_skipped} skipped), {_n(self.claims, 'claim')}, "
            f"{_n(self.reply_labels, 'reply label')}, {_n(self.users_created, 'new user')} "
            f"in {self.seconds:.2f} s."
        )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@transaction.atomic
def threads_import(
    *,
    corpus_slug: str,
    paths: Sequence[Path],
    fmt: str | None = None,
    orphans: str = "error",
    progress: bool = False,
) -> ImportSummary:
    """Import every thread of ``paths`` into the corpus ``corpus_slug``, all or nothing.

    The corpus is created with the default schema if it does not exist. A thread
    whose external id is already in the corpus (or earlier in this run) is left
    as it is and counted in ``threads_existing``. Annotations in the records
    become claims and reply labels; missing annotator accounts are created with
    unusable passwords. Raises :class:`FormatError` on any problem, naming the
    file, line and thread; the transaction then leaves nothing written.
    """
    started = time.perf_counter()
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if orphans not in ORPHAN_POLICIES:
        raise FormatError(
            f"unknown orphans policy {orphans!r}; use one of: {', '.join(ORPHAN_POLICIES)}"
        )
    paths = [Path(p) for p in paths]
    # Fail on a missing file or an unknown kind of file before reading any.
    for path in paths:
        if not path.exists():
            raise FormatError("no such file or folder", file=str(path))
        if fmt is None:
            detect_format(path)

    try:
        corpus, _ = corpus_get_or_create(slug=corpus_slug)
    except ValidationError as exc:
        raise FormatError(f"cannot create corpus {corpus_slug!r}: {_messages(exc)}") from None
    importer = _Importer(corpus=corpus, orphans=orphans)
    with tqdm(
        desc="import", unit=" threads", disable=not progress, file=sys.stderr, leave=False
    ) as bar:
        for path in paths:
            for record in read_threads(path, fmt=fmt):
                importer.add(record, file=str(path))
                bar.update()
        importer.flush()
    importer.summary.seconds = time.perf_counter() - started
    return importer.summary


def threads_import_upload(
    *, corpus_slug: str, name: str, data: bytes, fmt: str | None = None, orphans: str = "error"
) -> ImportSummary:
    """Import an uploaded file (the admin form): same rules as :func:`threads_import`.

    ``name`` is the uploaded file's name: it chooses the format (unless ``fmt``
    does) and is the file named in error messages. A ``.zip`` holding a ConvoKit
    corpus folder is imported as ConvoKit.
    """
    safe_name = Path(name.replace("\\", "/")).name or "upload"
    with tempfile.TemporaryDirectory(prefix="threadlab-upload-") as tmp:
        target = Path(tmp) / safe_name
        target.write_bytes(data)
        path = target
        if safe_name.lower().endswith(".zip"):
            path = _unpack_convokit_zip(target, Path(tmp) / "unpacked", name=safe_name)
            fmt = fmt or "convokit"
        try:
            return threads_import(corpus_slug=corpus_slug, paths=[path], fmt=fmt, orphans=orphans)
        except FormatError as exc:
            if exc.file and exc.file.startswith(tmp):
                exc.file = safe_name
            raise


def _unpack_convokit_zip(archive: Path, into: Path, *, name: str) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)  # extractall drops absolute and ".." parts of member names
    except zipfile.BadZipFile:
        raise FormatError("not a zip file", file=name) from None
    found = sorted(into.rglob("utterances.jsonl"), key=lambda p: len(p.parts))
    if not found:
        raise FormatError("the zip holds no ConvoKit corpus (no utterances.jsonl)", file=name)
    return found[0].parent


def _messages(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


@dataclass(slots=True)
class _Claim:
    local_id: Any
    annotator: str
    comment: str | None  # external id of the comment, None for the article body
    start: int
    end: int
    quote: str
    claim_type_id: int
    stance_id: int
    stance_target_id: int | None
    target: Any  # local id of the target claim, or None
    note: str
    created_at: datetime | str  # see _timestamp
    updated_at: datetime | str
    is_gold: bool
    level: int = 0  # 0 without a target claim, else its target's level + 1


@dataclass(slots=True)
class _Label:
    annotator: str
    comment: str
    label_id: int
    is_gold: bool
    created_at: datetime | str
    updated_at: datetime | str


@dataclass
class _Prepared:
    record: ThreadRecord
    comments: list[CommentRecord]  # display order, depth set
    claims: list[_Claim]
    labels: list[_Label]
    file: str


class _Importer:
    """Collects records in batches, validates each batch, then writes it in bulk."""

    def __init__(self, *, corpus: Corpus, orphans: str) -> None:
        self.corpus = corpus
        self.orphans = orphans
        self.summary = ImportSummary()
        self.pending: list[tuple[str, ThreadRecord]] = []
        self.pending_comments = 0
        self.seen: set[str] = set()
        self.user_ids: dict[str, int] = {}
        self.labels: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, name, pk in LabelValue.objects.filter(corpus=corpus).values_list(
            "kind", "name", "pk"
        ):
            self.labels[kind][name] = pk

    def add(self, record: ThreadRecord, *, file: str) -> None:
        if not isinstance(record.id, str) or not record.id:
            raise FormatError("a thread without an id", file=file, line=record.line)
        if record.id in self.seen:
            self.summary.threads_existing += 1
            return
        self.seen.add(record.id)
        self.pending.append((file, record))
        # Rows this thread will write: its article, comments, claims and reply labels.
        self.pending_comments += len(record.comments) + 1
        for section in (record.annotations, record.gold):
            if isinstance(section, dict):
                self.pending_comments += sum(len(v) for v in section.values() if v)
        if self.pending_comments >= _BATCH_COMMENTS or len(self.pending) >= _BATCH_THREADS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending, self.pending_comments = self.pending, [], 0
        existing = set(
            Article.objects.filter(
                corpus=self.corpus, external_id__in=[r.id for _, r in pending]
            ).values_list("external_id", flat=True)
        )
        prepared = []
        for file, record in pending:
            if record.id in existing:
                self.summary.threads_existing += 1
            else:
                prepared.append(self._prepare(record, file=file))
        if prepared:
            self._resolve_users(prepared)
            try:
                self._write(prepared)
            except DatabaseError as exc:
                first = prepared[0]
                raise FormatError(
                    f"the database refused the threads {prepared[0].record.id!r}"
                    f"..{prepared[-1].record.id!r}: {exc}",
                    file=first.file,
                ) from exc

    # -- validation ---------------------------------------------------------

    def _prepare(self, record: ThreadRecord, *, file: str) -> _Prepared:
        def error(message: str, line: int | None = None) -> FormatError:
            return FormatError(
                f"thread {record.id!r}: {message}", file=file, line=line or record.line
            )

        _check_text(record.id, "thread id", _MAX_ID, error)
        _check_text(record.title, "title", _MAX_TITLE, error)
        _check_text(record.body, "body", None, error)
        _check_text(record.author, "author", _MAX_AUTHOR, error)
        _check_text(record.url, "url", _MAX_URL, error)
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
                _check_text(cid, "comment id", _MAX_ID, error, line)
                _check_text(text, f"text of comment {cid!r}", None, error, line)
                _check_text(author, f"author of comment {cid!r}", _MAX_AUTHOR, error, line)
        self.summary.orphans_attached += ordered.orphans_attached
        self.summary.orphans_skipped += ordered.orphans_skipped
        if not _has_labels(record):
            return _Prepared(
                record=record, comments=ordered.comments, claims=[], labels=[], file=file
            )

        texts: dict[str | None, str] = {None: record.body}
        parents: dict[str, str | None] = {}
        depths: dict[str, int] = {}
        for comment in ordered.comments:
            texts[comment.id] = comment.text
            parents[comment.id] = comment.parent_id
            depths[comment.id] = comment.depth or 0
        skipped = {c.id for c in record.comments} - texts.keys()

        claims: list[_Claim] = []
        labels: list[_Label] = []
        for section, is_gold in ((record.annotations, False), (record.gold, True)):
            if section is None:
                continue
            if not isinstance(section, dict):
                raise error(f"{'gold' if is_gold else 'annotations'} must be an object")
            claims.extend(
                self._claims(
                    section.get("claims") or [], is_gold, texts, parents, depths, skipped, error
                )
            )
            labels.extend(
                self._labels(section.get("reply_labels") or [], is_gold, texts, skipped, error)
            )
        return _Prepared(
            record=record, comments=ordered.comments, claims=claims, labels=labels, file=file
        )

    def _label_id(self, kind: str, value: Any, what: str, error: Callable[..., Any]) -> int:
        pk = self.labels[kind].get(value) if isinstance(value, str) else None
        if pk is None:
            known = ", ".join(sorted(self.labels[kind])) or "none"
            raise error(
                f"{what}: unknown {LabelKind(kind).label} {value!r} "
                f"(corpus {self.corpus.slug!r} has: {known})"
            )
        return pk

    def _claims(
        self,
        items: Any,
        is_gold: bool,
        texts: dict[str | None, str],
        parents: dict[str, str | None],
        depths: dict[str, int],
        skipped: set[str],
        error: Callable[..., FormatError],
    ) -> list[_Claim]:
        section = "gold" if is_gold else "annotations"
        if not isinstance(items, list):
            raise error(f"{section} claims must be a list")
        # The codec's check_labels has checked each claim's fields, span, quote and
        # id; what is left needs the corpus: its schema, skipped orphans, the tree.
        now = timezone.now().isoformat()  # as text, like most times in a file (_timestamp)
        by_id: dict[Any, _Claim] = {}
        dropped: set[Any] = set()
        labels = self.labels
        claim_types = labels[LabelKind.CLAIM_TYPE]
        stances = labels[LabelKind.STANCE]
        stance_targets = labels[LabelKind.STANCE_TARGET]
        for item in items:
            local_id = item["id"]
            comment = item["comment_id"]
            if comment is not None and comment in skipped:
                dropped.add(local_id)  # its comment was left out as an orphan: so is it
                continue
            if comment not in texts:
                what = f"{'gold ' if is_gold else ''}claim {local_id!r}"
                raise error(f"{what}: comment_id {comment!r} names no comment of the thread")
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
                what = f"{'gold ' if is_gold else ''}claim {local_id!r}"
                # The lookups again, to name the first unknown value.
                self._label_id(LabelKind.CLAIM_TYPE, item["claim_type"], what, error)
                self._label_id(LabelKind.STANCE, item["stance"], what, error)
                self._label_id(LabelKind.STANCE_TARGET, target, what, error)
            if comment is None and target == "parent":
                what = f"{'gold ' if is_gold else ''}claim {local_id!r}"
                raise error(f"{what}: a claim in the article body has no parent to target")
            created_at = _timestamp(item.get("created_at"), now, "claim", "created_at", error)
            by_id[local_id] = _Claim(
                local_id=local_id,
                annotator=item["annotator"],
                comment=comment,
                start=item["start"],
                end=item["end"],
                quote=item["text"],
                claim_type_id=claim_type_id,  # type: ignore[arg-type]  # checked above
                stance_id=stance_id,  # type: ignore[arg-type]
                stance_target_id=stance_target_id,
                target=target_claim,
                note=item["note"] or "",
                created_at=created_at,
                updated_at=_timestamp(
                    item.get("updated_at"), created_at, "claim", "updated_at", error
                ),
                is_gold=is_gold,
            )
        # Targets: an earlier claim of the same annotator in an ancestor text.
        # Ancestors sit strictly higher in the tree, so following targets always
        # ends; taken shallowest text first, a target's level (its insert round)
        # is known before the claims that target it.
        for claim in sorted(
            by_id.values(), key=lambda c: -1 if c.comment is None else depths[c.comment]
        ):
            if claim.target is None:
                continue
            what = f"{'gold ' if is_gold else ''}claim {claim.local_id!r}"
            if claim.target in dropped:  # its target went with a skipped orphan: so does it
                dropped.add(claim.local_id)
                del by_id[claim.local_id]
                continue
            target = by_id.get(claim.target)
            if target is None:
                raise error(f"{what}: target claim {claim.target!r} is not in the {section}")
            if target.annotator != claim.annotator:
                raise error(
                    f"{what}: target claim {claim.target!r} is by {target.annotator!r}, "
                    f"not by {claim.annotator!r}"
                )
            if claim.comment is None or (
                target.comment is not None and target.comment not in _chain(claim.comment, parents)
            ):
                raise error(
                    f"{what}: target claim {claim.target!r} is not in a text this one replies to"
                )
            claim.level = target.level + 1
        claims = list(by_id.values())
        return claims

    def _labels(
        self,
        items: Any,
        is_gold: bool,
        texts: dict[str | None, str],
        skipped: set[str],
        error: Callable[..., FormatError],
    ) -> list[_Label]:
        section = "gold" if is_gold else "annotations"
        if not isinstance(items, list):
            raise error(f"{section} reply labels must be a list")
        now = timezone.now().isoformat()  # as text, like most times in a file (_timestamp)
        seen: set[tuple[str, str]] = set()
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
            if (annotator, comment) in seen:
                raise error(f"{what}: a second label for the same comment")
            seen.add((annotator, comment))
            label_id = self._label_id(LabelKind.REPLY_LABEL, item.get("label"), what, error)
            created_at = _timestamp(item.get("created_at"), now, what, "created_at", error)
            updated_at = _timestamp(item.get("updated_at"), created_at, what, "updated_at", error)
            labels.append(_Label(annotator, comment, label_id, is_gold, created_at, updated_at))
        return labels

    def _resolve_users(self, prepared: list[_Prepared]) -> None:
        User = get_user_model()
        wanted = {c.annotator for p in prepared for c in p.claims}
        wanted.update(lbl.annotator for p in prepared for lbl in p.labels)
        missing = wanted - self.user_ids.keys()
        if not missing:
            return
        self.user_ids.update(
            User.objects.filter(username__in=missing).values_list("username", "pk")
        )
        new = sorted(missing - self.user_ids.keys())
        validator = User.username_validator  # type: ignore[attr-defined]
        for username in new:
            try:
                validator(username)
                if len(username) > 150:
                    raise ValidationError("longer than 150 characters")
            except ValidationError as exc:
                owner = next(
                    p
                    for p in prepared
                    if any(c.annotator == username for c in p.claims)
                    or any(lbl.annotator == username for lbl in p.labels)
                )
                raise FormatError(
                    f"thread {owner.record.id!r}: annotator {username!r} is not a valid "
                    f"username: {_messages(exc)}",
                    file=owner.file,
                    line=owner.record.line,
                ) from None
        if new:
            users = User.objects.bulk_create(
                [User(username=u, password=make_password(None)) for u in new]
            )
            self.user_ids.update((u.get_username(), u.pk) for u in users)
            self.summary.users_created += len(users)

    # -- writing --------------------------------------------------------------

    def _write(self, prepared: list[_Prepared]) -> None:
        rows = _RowWriter()
        now = rows.datetime(timezone.now())
        json_value = rows.json

        article_pks = rows.new_ids(Article, len(prepared))
        rows.insert(
            Article,
            (
                "id",
                "corpus",
                "external_id",
                "title",
                "body",
                "author",
                "url",
                "published_at",
                "meta",
                "created_at",
                "updated_at",
            ),
            [
                (
                    pk,
                    self.corpus.pk,
                    p.record.id,
                    p.record.title,
                    p.record.body,
                    p.record.author or "",
                    p.record.url or "",
                    rows.datetime(p.record.created_at),
                    json_value(p.record.meta),
                    now,
                    now,
                )
                for pk, p in zip(article_pks, prepared, strict=True)
            ],
        )
        self.summary.threads += len(prepared)

        # Comments level by level, so every parent is in before its replies.
        comment_pks: dict[tuple[int, str], int] = {}
        by_depth: dict[int, list[tuple[int, int, CommentRecord]]] = defaultdict(list)
        for article_pk, p in zip(article_pks, prepared, strict=True):
            for position, c in enumerate(p.comments):
                by_depth[c.depth or 0].append((article_pk, position, c))
        comment_ids = iter(rows.new_ids(Comment, sum(len(p.comments) for p in prepared)))
        for depth in sorted(by_depth):
            level = []
            for article_pk, position, c in by_depth[depth]:
                pk = next(comment_ids)
                comment_pks[(article_pk, c.id)] = pk
                level.append(
                    (
                        pk,
                        article_pk,
                        None if c.parent_id is None else comment_pks[(article_pk, c.parent_id)],
                        c.id,
                        c.author or "",
                        c.text,
                        rows.datetime(c.created_at),
                        json_value(c.meta),
                        depth,
                        position,
                        now,
                        now,
                    )
                )
            rows.insert(
                Comment,
                (
                    "id",
                    "article",
                    "parent",
                    "external_id",
                    "author",
                    "text",
                    "posted_at",
                    "meta",
                    "depth",
                    "position",
                    "created_at",
                    "updated_at",
                ),
                level,
            )
            self.summary.comments += len(level)

        # Claims in rounds: those without a target claim, then those whose target
        # is in, and so on (the database checks the target exists).
        by_level: dict[int, list[tuple[int, _Claim]]] = defaultdict(list)
        for article_pk, p in zip(article_pks, prepared, strict=True):
            for claim in p.claims:
                by_level[claim.level].append((article_pk, claim))
        claim_ids = iter(rows.new_ids(Claim, sum(len(p.claims) for p in prepared)))
        claim_pks: dict[tuple[int, bool, Any], int] = {}
        users = self.user_ids
        for level_no in sorted(by_level):
            claim_rows = []
            for article_pk, cl in by_level[level_no]:
                pk = next(claim_ids)
                claim_pks[(article_pk, cl.is_gold, cl.local_id)] = pk
                claim_rows.append(
                    (
                        pk,
                        users[cl.annotator],
                        article_pk,
                        None if cl.comment is None else comment_pks[(article_pk, cl.comment)],
                        cl.start,
                        cl.end,
                        cl.quote,
                        cl.claim_type_id,
                        cl.stance_id,
                        cl.stance_target_id,
                        None
                        if cl.target is None
                        else claim_pks[(article_pk, cl.is_gold, cl.target)],
                        cl.note,
                        cl.is_gold,
                        rows.datetime(cl.created_at),
                        rows.datetime(cl.updated_at),
                    )
                )
            rows.insert(
                Claim,
                (
                    "id",
                    "annotator",
                    "article",
                    "comment",
                    "start",
                    "end",
                    "quote",
                    "claim_type",
                    "stance",
                    "stance_target",
                    "target_claim",
                    "note",
                    "is_gold",
                    "created_at",
                    "updated_at",
                ),
                claim_rows,
            )
            self.summary.claims += len(claim_rows)

        label_rows = [
            (
                users[lbl.annotator],
                article_pk,
                comment_pks[(article_pk, lbl.comment)],
                lbl.label_id,
                lbl.is_gold,
                rows.datetime(lbl.created_at),
                rows.datetime(lbl.updated_at),
            )
            for article_pk, p in zip(article_pks, prepared, strict=True)
            for lbl in p.labels
        ]
        rows.insert(
            ReplyLabel,
            ("annotator", "article", "comment", "label", "is_gold", "created_at", "updated_at"),
            label_rows,
        )
        self.summary.reply_labels += len(label_rows)


class _RowWriter:
    """Plain bulk inserts, without building a model instance per row.

    An import writes hundreds of thousands of rows; the ORM's per-value work in
    ``bulk_create`` costs more than the database. Ids are reserved up front
    (PostgreSQL: from the table's sequence; SQLite: past the largest id, which
    is safe because the import's transaction holds SQLite's single write lock),
    so replies and target claims know their parent's id before it is inserted.
    Rows go in with ``COPY`` on PostgreSQL and ``executemany`` on SQLite; the
    row triggers check every row either way. Values are adapted as Django's
    backends do it: times as UTC, JSON through the backend's adapter.
    """

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"no bulk import for the {self.vendor} database")
        self._empty_json = connection.ops.adapt_json_value({}, None)

    def datetime(self, value: datetime | str | None) -> Any:
        if value is None:
            return None
        if type(value) is str:  # a UTC time as an export writes it (see _timestamp)
            if self.vendor == "postgresql":
                return value  # COPY parses it
            # Django's SQLite backend stores naive UTC text: "YYYY-MM-DD HH:MM:SS[.ffffff]".
            return value[:10] + " " + value[11:].removesuffix("Z").removesuffix("+00:00")
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if self.vendor == "postgresql":
            return value
        # Django's SQLite backend stores naive UTC text: str() of the naive time.
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(" ")[:-6]  # less the "+00:00"

    def json(self, value: dict[str, Any] | None) -> Any:
        if not value:
            return self._empty_json
        return connection.ops.adapt_json_value(value, None)

    def new_ids(self, model: type[Model], count: int) -> Sequence[int]:
        if count == 0:
            return []
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # The sequence's name once: looking it up in every row's nextval() cost
                # more than the nextval() itself.
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
                )
                return [row[0] for row in cursor.fetchall()]
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT max({qn(pk)}) FROM {qn(table)}")
            (largest,) = cursor.fetchone()
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            start = max(largest or 0, seq[0] if seq else 0) + 1
            return range(start, start + count)

    def insert(
        self, model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        column = {f.name: f.column for f in model._meta.concrete_fields}
        columns = ", ".join(qn(column[name]) for name in fields)
        table = qn(model._meta.db_table)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _has_labels(record: ThreadRecord) -> bool:
    for section in (record.annotations, record.gold):
        if section and (not isinstance(section, dict) or any(section.values())):
            return True
    return False


def _chain(comment: str, parents: dict[str, str | None]) -> list[str]:
    """The comment's ancestors, nearest first (the article body not included)."""
    chain = []
    current = parents.get(comment)
    while current is not None:
        chain.append(current)
        current = parents.get(current)
    return chain


def _check_text(
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
    default: datetime | str,
    what: str,
    key: str,
    error: Callable[..., FormatError],
) -> datetime | str:
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
