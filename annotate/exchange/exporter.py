"""Export: a labelled corpus from the database to files or a byte stream.

Export reads the corpus in chunks of articles, a constant number of queries a
chunk, and hands the writers one :class:`ThreadRecord` at a time, so memory
stays flat whatever the size of the corpus. Claim ids in an export are local
to the thread (1..n, in a fixed order), so exporting, importing into an empty
corpus and exporting again gives the same file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from tqdm import tqdm

from annotate.models import Claim, LabelValue, ReplyLabel
from threads.formats.records import CommentRecord, FormatError, ThreadRecord
from threads.models import Article, Comment, Corpus

EXPORT_FORMATS = ("jsonl", "csv", "convokit")

_EXPORT_CHUNK = 200  # articles per export chunk
_FETCH_CHUNK = 2000  # rows fetched at a time from an export query
_STREAM_CHUNK = 64 * 1024  # bytes an export stream hands on at a time


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


@dataclass
class ExportSummary:
    threads: int = 0
    comments: int = 0
    claims: int = 0
    reply_labels: int = 0
    seconds: float = 0.0
    path: str = ""

    def __str__(self) -> str:
        return (
            f"Exported {_n(self.threads, 'thread')}, {_n(self.comments, 'comment')}, "
            f"{_n(self.claims, 'claim')}, {_n(self.reply_labels, 'reply label')} "
            f"to {self.path} in {self.seconds:.2f} s."
        )


def pseudonym(*, corpus: Corpus, name: str) -> str:
    """A stable stand-in for a commenter's name, for sharing: the same name, the same pseudonym.

    Salted per corpus, so pseudonyms cannot be matched across corpora or found
    by hashing a list of likely names. An empty name stays empty.
    """
    if not name:
        return ""
    digest = hashlib.sha256((corpus.pseudonym_salt + name).encode("utf-8")).hexdigest()
    return "anon-" + digest[:12]


def corpus_threads(
    *, corpus: Corpus, pseudonymise: bool = False, chunk_size: int = _EXPORT_CHUNK
) -> Iterator[ThreadRecord]:
    """Every thread of ``corpus`` as a :class:`ThreadRecord`, labels included, in article order.

    Reads ``chunk_size`` articles at a time, and for each chunk their comments
    (display order), claims and reply labels with one query each, merged in
    Python; rows come through server-side cursors (PostgreSQL) in batches, so
    one thread at a time is held. Claim ids are local: 1..n over the thread's
    annotations, then its gold, in the order (annotator, position of the text,
    start, end, created_at, database id). ``stance_target`` is the schema
    value's name or ``{"claim": <local id>}``. With ``pseudonymise``, article
    and comment authors become stable pseudonyms (annotator usernames are
    kept: they are the labels' provenance).
    """
    label_names = dict(LabelValue.objects.filter(corpus=corpus).values_list("pk", "name"))
    salt = corpus.pseudonym_salt
    sql = _ExportSql()
    to_json, to_datetime = sql.to_json, datetime.fromisoformat

    def author_of(name: str) -> str:
        if not pseudonymise or not name:
            return name
        return "anon-" + hashlib.sha256((salt + name).encode("utf-8")).hexdigest()[:12]

    last_pk = 0
    while True:
        articles = list(
            Article.objects.filter(corpus=corpus, pk__gt=last_pk)
            .order_by("pk")
            .values_list(
                "pk", "external_id", "title", "body", "author", "url", "published_at", "meta"
            )[:chunk_size]
        )
        if not articles:
            return
        last_pk = articles[-1][0]
        pks = [a[0] for a in articles]
        comments, claims, labels = sql.comments(pks), sql.claims(pks), sql.reply_labels(pks)
        for pk, external_id, title, body, author, url, published_at, meta in articles:
            external: dict[int, str] = {}
            position: dict[int, int] = {}
            records: list[CommentRecord] = []
            append = records.append
            for (
                _,
                c_pk,
                parent_pk,
                c_ext,
                c_author,
                text,
                posted_at,
                c_meta,
                depth,
            ) in comments.take(pk):
                position[c_pk] = len(records)
                external[c_pk] = c_ext
                append(
                    CommentRecord(
                        c_ext,
                        None if parent_pk is None else external[parent_pk],
                        text,
                        author_of(c_author) if pseudonymise else c_author,
                        None if posted_at is None else to_datetime(posted_at),
                        to_json(c_meta),
                        depth,
                    )
                )
            sections: dict[bool, dict[str, list[dict[str, Any]]]] = {
                False: {"claims": [], "reply_labels": []},
                True: {"claims": [], "reply_labels": []},
            }
            thread_claims = claims.take(pk)
            if thread_claims:
                # (gold, annotator, the text's display position with the article
                # body first, start, end, created_at, id): created_at before the id
                # keeps the order through an import, which inserts claims in target
                # order rather than file order. Sorted here rather than by the
                # database: no collation to agree on, and a server-side sort of a
                # chunk's claims costs PostgreSQL more than this costs Python.
                at = position.get
                thread_claims.sort(
                    key=lambda c: (c[12], c[3], at(c[2], -1), c[4], c[5], c[13], c[1])
                )
                local = {c[1]: n for n, c in enumerate(thread_claims, start=1)}
                out = {False: sections[False]["claims"], True: sections[True]["claims"]}
                for (
                    _,
                    k_pk,
                    k_comment,
                    annotator,
                    start,
                    end,
                    quote,
                    claim_type,
                    stance,
                    target_label,
                    target_claim,
                    note,
                    is_gold,
                    created_at,
                    updated_at,
                ) in thread_claims:
                    out[bool(is_gold)].append(
                        {
                            "id": local[k_pk],
                            "annotator": annotator,
                            "comment_id": None if k_comment is None else external[k_comment],
                            "start": start,
                            "end": end,
                            "text": quote,
                            "claim_type": label_names[claim_type],
                            "stance": label_names[stance],
                            "stance_target": label_names[target_label]
                            if target_label is not None
                            else {"claim": local[target_claim]},
                            "note": note,
                            "created_at": created_at,
                            "updated_at": updated_at,
                        }
                    )
            for lbl in sorted(labels.take(pk), key=lambda r: (r[4], r[2], position[r[1]])):
                sections[bool(lbl[4])]["reply_labels"].append(
                    {
                        "annotator": lbl[2],
                        "comment_id": external[lbl[1]],
                        "label": label_names[lbl[3]],
                    }
                )
            yield ThreadRecord(
                id=external_id,
                title=title,
                body=body,
                author=author_of(author),
                url=url,
                created_at=published_at,
                meta=meta,
                comments=records,
                annotations=sections[False],
                gold=sections[True],
            )


class _ExportSql:
    """The three per-chunk export queries, as plain SQL read through (server-side) cursors.

    An export reads every comment and claim of the corpus; the ORM's per-value
    converters cost more than the database does, so rows are read raw. Times
    come as the text ``datetime.isoformat()`` writes for a UTC time, made by
    the database ("2026-01-02T03:04:05.123456+00:00", no fraction when it is
    zero): claims keep it as it is, comments parse it (one C call, where the
    drivers' own time parsing runs Python code per value). JSON arrives as text
    or decoded, depending on the driver.
    """

    def __init__(self) -> None:
        qn = connection.ops.quote_name

        if connection.vendor == "sqlite":

            def iso(column: str) -> str:
                # Django's SQLite backend stores naive UTC times as
                # "YYYY-MM-DD HH:MM:SS[.ffffff]" (the fraction only when not zero).
                return f"REPLACE(CAST({column} AS TEXT), ' ', 'T') || '+00:00'"

        else:

            def iso(column: str) -> str:
                # Six digits of fraction always, then none when they are all zero.
                fmt = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
                return f"REPLACE(to_char({column} AT TIME ZONE 'UTC', '{fmt}'), '.000000+', '+')"

        def columns(model: type[Model], alias: str, *names: str) -> str:
            fields = {f.name: f for f in model._meta.concrete_fields}
            out = []
            for name in names:
                sql = f"{alias}.{qn(fields[name].column)}"
                if fields[name].get_internal_type() == "DateTimeField":
                    sql = iso(sql)
                out.append(sql)
            return ", ".join(out)

        user = get_user_model()._meta
        username = f"u.{qn(user.get_field('username').column)}"
        users = f"JOIN {qn(user.db_table)} u ON u.{qn(user.pk.column)} = "
        self._comments = (
            f"SELECT {columns(Comment, 'c', 'article', 'id', 'parent', 'external_id', 'author')}, "
            f"{columns(Comment, 'c', 'text', 'posted_at', 'meta', 'depth')} "
            f"FROM {qn(Comment._meta.db_table)} c WHERE c.{qn('article_id')} IN ({{}}) "
            f"ORDER BY c.{qn('article_id')}, c.{qn('position')}"
        )
        self._claims = (
            f"SELECT {columns(Claim, 'k', 'article', 'id', 'comment')}, {username}, "
            f"{columns(Claim, 'k', 'start', 'end', 'quote', 'claim_type', 'stance')}, "
            f"{columns(Claim, 'k', 'stance_target', 'target_claim', 'note', 'is_gold')}, "
            f"{columns(Claim, 'k', 'created_at', 'updated_at')} "
            f"FROM {qn(Claim._meta.db_table)} k {users}k.{qn('annotator_id')} "
            f"WHERE k.{qn('article_id')} IN ({{}}) ORDER BY k.{qn('article_id')}"
        )
        self._labels = (
            f"SELECT {columns(ReplyLabel, 'r', 'article', 'comment')}, {username}, "
            f"{columns(ReplyLabel, 'r', 'label', 'is_gold')} "
            f"FROM {qn(ReplyLabel._meta.db_table)} r {users}r.{qn('annotator_id')} "
            f"WHERE r.{qn('article_id')} IN ({{}}) ORDER BY r.{qn('article_id')}"
        )

    @staticmethod
    def to_json(value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, str):
            return {} if value == "{}" else json.loads(value)
        return value

    def comments(self, pks: list[int]) -> _Rows:
        return _Rows(_fetch(self._comments, pks))

    def claims(self, pks: list[int]) -> _Rows:
        return _Rows(_fetch(self._claims, pks))

    def reply_labels(self, pks: list[int]) -> _Rows:
        return _Rows(_fetch(self._labels, pks))


def _fetch(sql: str, pks: list[int]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` for the articles ``pks`` in batches (server-side on PostgreSQL)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql.format(", ".join(["%s"] * len(pks))), pks)
        while rows := cursor.fetchmany(_FETCH_CHUNK):
            yield rows


class _Rows:
    """Rows sorted by their first column (an article id), handed out one article at a time.

    Works on the fetched batches themselves: slicing a batch costs less than
    stepping a generator row by row, and an export steps through every row.
    """

    def __init__(self, batches: Iterator[list[tuple[Any, ...]]]) -> None:
        self._batches = batches
        self._batch: list[tuple[Any, ...]] = next(batches, [])
        self._index = 0

    def take(self, article_id: int) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        while self._batch:
            batch, start = self._batch, self._index
            end, size = start, len(batch)
            while end < size and batch[end][0] == article_id:
                end += 1
            out.extend(batch[start:end])
            if end < size:
                self._index = end
                return out
            self._batch, self._index = next(self._batches, []), 0
        return out


def _encoder(fmt: str) -> tuple[bytes, Callable[[ThreadRecord], bytes]]:
    """A line format's header and its encoder of one thread, both UTF-8 bytes.

    The file and the stream write the same: the header, then each thread's bytes.
    """
    if fmt == "jsonl":
        from threads.formats import jsonl

        return b"", jsonl.dumps_line
    if fmt == "csv":
        from threads.formats import csv

        return csv.HEADER.encode("utf-8"), csv.dumps_rows
    raise FormatError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")


class _Counted:
    """Counts what passes from the database to a writer, for the summary and the progress bar."""

    def __init__(self, records: Iterable[ThreadRecord], summary: ExportSummary, bar: Any) -> None:
        self.records = records
        self.summary = summary
        self.bar = bar

    def __iter__(self) -> Iterator[ThreadRecord]:
        summary = self.summary
        for record in self.records:
            summary.threads += 1
            summary.comments += len(record.comments)
            for section in (record.annotations, record.gold):
                if section:
                    summary.claims += len(section["claims"])
                    summary.reply_labels += len(section["reply_labels"])
            self.bar.update()
            yield record


def corpus_export(
    *,
    corpus: Corpus,
    fmt: str,
    path: Path,
    pseudonymise: bool = False,
    progress: bool = False,
) -> ExportSummary:
    """Write ``corpus`` to ``path``: a jsonl or csv file, or a ConvoKit folder (or ``.zip``).

    The file appears whole or not at all: it is written beside the target and
    renamed into place at the end.
    """
    if fmt not in EXPORT_FORMATS:
        raise FormatError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    started = time.perf_counter()
    path = Path(path)
    summary = ExportSummary(path=str(path))
    total = Article.objects.filter(corpus=corpus).count() if progress else None
    with tqdm(
        total=total,
        desc="export",
        unit=" threads",
        disable=not progress,
        file=sys.stderr,
        leave=False,
    ) as bar:
        records = _Counted(corpus_threads(corpus=corpus, pseudonymise=pseudonymise), summary, bar)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "convokit" and path.suffix.lower() != ".zip":
            from threads.formats import convokit

            # Replace an earlier export, never a folder holding anything else.
            if path.exists() and not (
                path.is_dir() and {p.name for p in path.iterdir()} <= set(convokit.FILES)
            ):
                raise FormatError(
                    "exists and is not a ConvoKit corpus folder; give a new folder",
                    file=str(path),
                )
            partial = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
            try:
                convokit.write(records, partial, corpus_name=corpus.slug)
                if path.exists():
                    shutil.rmtree(path)
                partial.chmod(0o755)  # mkdtemp makes it private; the files in it are 0644
                partial.rename(path)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as binary:
                    if fmt == "convokit":
                        from threads.formats import convokit

                        convokit.write_zip(records, binary, corpus_name=corpus.slug)
                    else:
                        header, encode = _encoder(fmt)
                        binary.write(header)
                        for record in records:
                            binary.write(encode(record))
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    summary.seconds = time.perf_counter() - started
    return summary


def corpus_export_stream(
    *, corpus: Corpus, fmt: str, pseudonymise: bool = False
) -> Iterator[bytes]:
    """The export of ``corpus`` as bytes chunks: jsonl or csv (UTF-8), or ConvoKit as a zip.

    For a streaming HTTP response; memory stays flat. jsonl and csv are
    encoded a thread at a time in this generator. The zip writer pushes
    (zipfile writes as it pleases), so it runs in a helper thread fed one
    record at a time; the database stays in this thread (and its connection),
    and closing the generator stops the writer.
    """
    if fmt not in EXPORT_FORMATS:
        raise FormatError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    records = corpus_threads(corpus=corpus, pseudonymise=pseudonymise)
    if fmt != "convokit":
        return _chunks(records, *_encoder(fmt))
    from threads.formats import convokit

    def write(items: Iterable[ThreadRecord], emit: Callable[[bytes], None]) -> None:
        with _BinarySink(emit) as sink:
            convokit.write_zip(items, sink, corpus_name=corpus.slug)

    return _pump(records, write)


def _chunks(
    records: Iterable[ThreadRecord], header: bytes, encode: Callable[[ThreadRecord], bytes]
) -> Iterator[bytes]:
    """``header`` and each record's bytes, handed on in chunks of about ``_STREAM_CHUNK``."""
    parts, size = [header], len(header)
    for record in records:
        data = encode(record)
        parts.append(data)
        size += len(data)
        if size >= _STREAM_CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    if size:
        yield b"".join(parts)


class _BinarySink(io.RawIOBase):
    """An unseekable binary stream (zipfile copes) that hands on chunks of about 64 KiB."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self._emit = emit
        self._parts: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._parts.append(data)
        self._size += len(data)
        if self._size >= _STREAM_CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._parts:
            self._emit(b"".join(self._parts))
            self._parts, self._size = [], 0

    def close(self) -> None:
        if not self.closed:
            self.flush()
        super().close()


class _Aborted(Exception):
    pass


_END = object()
_ABORT = object()


def _pump(
    records: Iterator[ThreadRecord],
    write: Callable[[Iterable[ThreadRecord], Callable[[bytes], None]], None],
) -> Iterator[bytes]:
    """Run a push-style writer (it pulls records, calls ``write``) as a pull-style generator.

    The writer runs in a helper thread, reading records through a small bounded
    queue that this generator fills from the database; what it writes comes
    back through a second queue and is yielded. Records are produced here, in
    the caller's thread, so the database connection is never shared.
    """
    to_writer: queue.Queue[object] = queue.Queue(maxsize=4)
    from_writer: queue.SimpleQueue[object] = queue.SimpleQueue()
    abort = threading.Event()
    failure: list[BaseException] = []

    def feed() -> Iterator[ThreadRecord]:
        while True:
            item = to_writer.get()
            if item is _ABORT or abort.is_set():
                raise _Aborted
            if item is _END:
                return
            yield item  # type: ignore[misc]

    def work() -> None:
        try:
            write(feed(), from_writer.put)
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            from_writer.put(_END)

    worker = threading.Thread(target=work, name="export-writer", daemon=True)
    writer_done = False

    def drain(block: bool) -> list[bytes]:
        nonlocal writer_done
        out: list[bytes] = []
        while not writer_done:
            try:
                item = from_writer.get(block=block and not out)
            except queue.Empty:
                break
            if item is _END:
                writer_done = True
            else:
                out.append(item)  # type: ignore[arg-type]
        return out

    def send(item: object) -> Iterator[bytes]:
        while not writer_done:
            try:
                to_writer.put(item, timeout=0.05)
                return
            except queue.Full:
                yield from drain(block=False)

    worker.start()
    try:
        for record in records:
            yield from send(record)
            if writer_done:
                break
            yield from drain(block=False)
        yield from send(_END)
        while not writer_done:
            yield from drain(block=True)
        worker.join()
        if failure:
            raise failure[0]
    finally:
        if not writer_done:
            abort.set()
            # A full queue means a busy writer: it sees the abort flag at its next record.
            with contextlib.suppress(queue.Full):
                to_writer.put_nowait(_ABORT)
            worker.join(timeout=5)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
