"""Import: labelled threads from files into the database, all or nothing.

The services here are thin: they run the three stages of an import, each in
its own module, over batches of threads, inside one transaction for the whole
run:

- :mod:`.reading`: files and uploads in, plain :class:`ThreadRecord` objects out;
- :mod:`.checking`: each record checked against the corpus (its schema, the
  claim rules, annotator accounts), as rows ready to write;
- :mod:`.writing`: the rows inserted in bulk, in the order the database checks.

Threads are read in batches, so an import of any size holds one batch in
memory; everything of a batch is checked before any of it is written. Any
problem is a :class:`FormatError` and nothing of the run stays in the database.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from tqdm import tqdm

from annotate.exchange import reading
from annotate.exchange.accounts import AnnotatorAccounts
from annotate.exchange.checking import ThreadChecker
from annotate.exchange.rows import CheckedThread
from annotate.exchange.schema_additions import added_wording
from annotate.exchange.writing import threads_insert
from annotate.models import LabelKind, Toward
from annotate.selectors.schema import reply_directions_get
from annotate.services.corpora import corpus_get_or_create, reply_directions_enable
from threads.formats import detect_format
from threads.formats.records import FormatError, ReadOptions, ThreadRecord
from threads.formats.tree import ORPHAN_POLICIES
from threads.models import Article, Corpus

__all__ = [
    "ORPHAN_POLICIES",
    "ImportSummary",
    "ProgressCallback",
    "threads_import",
    "threads_import_upload",
]

# A batch of threads is checked, then written, together: big enough for few,
# large INSERTs, small enough to keep an import of any size in bounded memory.
_BATCH_COMMENTS = 5000
_BATCH_THREADS = 500


@dataclass
class ImportSummary:
    threads: int = 0
    threads_existing: int = 0
    comments: int = 0
    orphans_attached: int = 0
    orphans_skipped: int = 0
    claims: int = 0
    relations: int = 0
    reply_labels: int = 0
    users_created: int = 0
    seconds: float = 0.0
    # What the readers of labelled corpora counted (ReadOptions.counts), e.g. byte-offset files.
    counts: Counter[str] = field(default_factory=Counter)
    # Label values the files use that the corpus's schema lacked, added to it: (kind, name).
    labels_added: list[tuple[str, str]] = field(default_factory=list)
    # Reply-label directions the corpus's schema did not label and the files did: turned on.
    directions_enabled: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        noticed = "".join(f" {key}: {n}." for key, n in sorted(self.counts.items()) if n)
        if self.labels_added:
            noticed += f" Added to the label schema: {added_wording(self.labels_added)}."
        noticed += "".join(
            f" The corpus now labels replies {Toward(toward).label} (its schema did not; the"
            " file has such labels)."
            for toward in self.directions_enabled
        )
        relations = f" ({_n(self.relations, 'relation')})" if self.relations else ""
        return (
            f"Imported {_n(self.threads, 'thread')} ({self.threads_existing} already there), "
            f"{_n(self.comments, 'comment')} (orphans: {self.orphans_attached} attached, "
            f"{self.orphans_skipped} skipped), {_n(self.claims, 'claim')}{relations}, "
            f"{_n(self.reply_labels, 'reply label')}, {_n(self.users_created, 'new user')} "
            f"in {self.seconds:.2f} s.{noticed}"
        )


# Called after each batch an import writes, with the summary so far.
ProgressCallback = Callable[[ImportSummary], None]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def threads_import(
    *,
    corpus_slug: str,
    paths: Sequence[Path],
    fmt: str | None = None,
    orphans: str = "error",
    progress: bool = False,
    options: ReadOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import every thread of ``paths`` into the corpus ``corpus_slug``, all or nothing.

    The corpus is created with the default schema if it does not exist. Label
    values the files use that its schema lacks are added to it and listed in the
    summary, or, with ``options.strict_schema``, refused. A thread
    whose external id is already in the corpus (or earlier in this run) is left
    as it is and counted in ``threads_existing``. Annotations in the records
    become claims and reply labels; missing annotator accounts are created with
    unusable passwords. Raises :class:`FormatError` on any problem, naming the
    file, line and thread; the transaction then leaves nothing written.
    ``on_progress`` is called with the summary so far after each batch is written
    (inside the transaction: what it reports is not committed yet).

    No database error leaves here as itself: the codecs refuse what no database
    stores, and whatever the database still refuses (another import creating the
    same corpus or accounts at the same moment, a lost connection) is a
    FormatError that says nothing was imported and whether running it again helps.
    """
    try:
        with _cycle_collector_paused():
            summary = _threads_import(
                corpus_slug=corpus_slug,
                paths=paths,
                fmt=fmt,
                orphans=orphans,
                progress=progress,
                options=options or ReadOptions(),
                on_progress=on_progress,
            )
        if summary.threads:
            _loaded_tables_analyzed()
        return summary
    except IntegrityError as exc:
        raise FormatError(
            f"nothing was imported: corpus {corpus_slug!r}, or a thread or account of this"
            " import, already exists because another import or edit wrote it at the same"
            f" moment; run the import again (the database said: {_first_line(exc)})"
        ) from exc
    except DatabaseError as exc:
        raise FormatError(
            f"nothing was imported: the database refused the import ({_first_line(exc)});"
            " if it was restarting or busy, run the import again"
        ) from exc


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import runs, on again after (``gc.disable``).

    An import makes millions of short-lived dicts and lists (a tweet's meta alone is about
    thirty), and every 700 of them start a collection that walks the young objects, every
    tenth of those one over older ones: 5-9% of a PHEME import's CPU in ``perf``
    (bench/import_pheme.py). Reference counting, which frees everything outside a cycle,
    goes on; the records hold no cycles, and any an import makes are collected once the
    collector is back. An import that finds it off (a caller's choice, or another import
    running in the same process) leaves it off, so the collector is never left off for good:
    it is the whole process's, and the import that turned it off turns it on again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# The tables an import loads. PostgreSQL plans from statistics, which a server without
# autovacuum never gathers: a claims-list page of a fresh 100k-claim corpus took 60-74 ms
# (314 ms in EXPLAIN) before ANALYZE and 19-36 ms after (issue 12). ANALYZE samples a fixed
# number of rows per table, so it costs about the same whatever the tables hold.
_ANALYZE_LOADED = (
    "ANALYZE threads_article, threads_comment, annotate_claim, annotate_relation,"
    " annotate_replylabel, auth_user"
)


def _loaded_tables_analyzed() -> None:
    """Fresh statistics for what an import loaded, on PostgreSQL (SQLite plans without them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_ANALYZE_LOADED)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@transaction.atomic
def _threads_import(
    *,
    corpus_slug: str,
    paths: Sequence[Path],
    fmt: str | None,
    orphans: str,
    progress: bool,
    options: ReadOptions,
    on_progress: ProgressCallback | None,
) -> ImportSummary:
    started = time.perf_counter()
    reading.format_check(fmt)
    if orphans not in ORPHAN_POLICIES:
        raise FormatError(
            f"unknown orphans policy {orphans!r}; use one of: {', '.join(ORPHAN_POLICIES)}"
        )
    paths = reading.paths_check(paths, fmt=fmt)
    try:
        corpus, _ = corpus_get_or_create(slug=corpus_slug)
    except ValidationError as exc:
        raise FormatError(
            f"cannot create corpus {corpus_slug!r}: {'; '.join(exc.messages)}"
        ) from None
    run = _ImportRun(
        corpus=corpus,
        orphans=orphans,
        on_progress=on_progress,
        strict_schema=options.strict_schema,
    )
    if options.reply_labels is None:
        # A labels file is checked against the corpus's reply labels as it is read.
        options.reply_labels = frozenset(run.checker.label_ids[LabelKind.REPLY_LABEL])
    with tqdm(
        desc="import", unit=" threads", disable=not progress, file=sys.stderr, leave=False
    ) as bar:
        for file, record in reading.records_read(paths, fmt=fmt, options=options):
            run.add(record, file=file)
            bar.update()
        run.flush()
    run.summary.counts.update(options.counts)
    run.summary.labels_added = list(run.checker.schema.added)
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def threads_import_upload(
    *,
    corpus_slug: str,
    path: Path,
    name: str,
    fmt: str | None = None,
    orphans: str = "error",
    options: ReadOptions | None = None,
    labels: Path | None = None,
    labels_name: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import an uploaded file saved at ``path`` (an import job): same rules as
    :func:`threads_import`.

    ``name`` is the uploaded file's own name: it chooses the format (unless ``fmt``
    does) and is the file named in error messages. A ``.zip`` is imported as what
    it holds (a ConvoKit corpus, PHEME threads, brat pairs; its wanted files
    unpacked within limits). ``labels`` is a second upload saved on disk, uploaded
    as ``labels_name``, that becomes ``options.labels`` (PHEME's labels file). The
    file is read from disk as it is imported, never whole into memory.
    """
    options = options or ReadOptions()
    with reading.upload_opened(
        path=path, name=name, labels=labels, labels_name=labels_name
    ) as upload:
        if upload.labels is not None:
            options.labels = upload.labels
        return threads_import(
            corpus_slug=corpus_slug,
            paths=[upload.path],
            fmt=fmt or upload.fmt or _format_of(name, upload.path),
            orphans=orphans,
            options=options,
            on_progress=on_progress,
        )


def _format_of(name: str, saved: Path) -> str:
    """The format the uploaded file's own name says (the file on disk may be named apart),
    its contents telling a ``.json`` file's two formats apart (Label Studio, Reddit)."""
    if saved.is_file() and saved.suffix.lower() == Path(name).suffix.lower():
        return detect_format(saved)
    return detect_format(Path(name))


class _ImportRun:
    """One import: collects records in batches, checks each batch, then writes it in bulk."""

    def __init__(
        self,
        *,
        corpus: Corpus,
        orphans: str,
        on_progress: ProgressCallback | None,
        strict_schema: bool = False,
    ) -> None:
        self.corpus = corpus
        self.on_progress = on_progress
        self.summary = ImportSummary()
        self.checker = ThreadChecker(corpus=corpus, orphans=orphans, strict_schema=strict_schema)
        self.directions = set(reply_directions_get(corpus=corpus))
        self.annotators = AnnotatorAccounts()
        self.pending: list[tuple[str, ThreadRecord]] = []
        self.pending_rows = 0
        self.seen: set[str] = set()

    def add(self, record: ThreadRecord, *, file: str) -> None:
        if not isinstance(record.id, str) or not record.id:
            raise FormatError("a thread without an id", file=file, line=record.line)
        if record.id in self.seen:
            self.summary.threads_existing += 1
            return
        self.seen.add(record.id)
        self.pending.append((file, record))
        # Rows this thread will write: its article, comments, claims and reply labels.
        self.pending_rows += len(record.comments) + 1
        for section in (record.annotations, record.gold):
            if isinstance(section, dict):
                self.pending_rows += sum(len(v) for v in section.values() if v)
        if self.pending_rows >= _BATCH_COMMENTS or len(self.pending) >= _BATCH_THREADS:
            self.flush()

    def flush(self) -> None:
        """Check and write the pending threads, less those the corpus already holds."""
        if not self.pending:
            return
        self._write_pending()
        if self.on_progress is not None:
            self.on_progress(self.summary)

    def _write_pending(self) -> None:
        pending, self.pending, self.pending_rows = self.pending, [], 0
        existing = set(
            Article.objects.filter(
                corpus=self.corpus, external_id__in=[r.id for _, r in pending]
            ).values_list("external_id", flat=True)
        )
        checked: list[CheckedThread] = []
        for file, record in pending:
            if record.id in existing:
                self.summary.threads_existing += 1
                continue
            thread = self.checker.thread(record, file=file)
            self.summary.orphans_attached += thread.orphans_attached
            self.summary.orphans_skipped += thread.orphans_skipped
            checked.append(thread)
        if not checked:
            return
        self._directions_enable()
        created_before = self.annotators.created
        self.annotators.resolve(checked)
        self.summary.users_created += self.annotators.created - created_before
        try:
            threads_insert(corpus=self.corpus, threads=checked, annotator_ids=self.annotators.ids)
        except DatabaseError as exc:
            raise FormatError(
                f"the database refused the threads {checked[0].record.id!r}"
                f"..{checked[-1].record.id!r}: {_first_line(exc)}; nothing was imported (if"
                " another import wrote these threads at the same moment, run it again)",
                file=checked[0].file,
            ) from exc
        summary = self.summary
        summary.threads += len(checked)
        for thread in checked:
            summary.comments += len(thread.comments)
            summary.claims += len(thread.claims)
            summary.relations += sum(len(c.relations) for c in thread.claims)
            summary.reply_labels += len(thread.reply_labels)

    def _directions_enable(self) -> None:
        """A file that labels replies in a direction the corpus's schema does not label turns
        that direction on (the import's one change to the schema), and the summary says so."""
        if self.checker.directions <= self.directions:
            return
        added = reply_directions_enable(corpus=self.corpus, directions=self.checker.directions)
        self.directions.update(added)
        self.summary.directions_enabled.extend(added)
