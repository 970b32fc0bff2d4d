"""Export: a labelled corpus from the database to files or a byte stream.

The services here choose the writer and where its bytes go; the records come
from :mod:`.export_rows` (the database read in chunks, one thread at a time,
so memory stays flat whatever the size of the corpus) and a stream's bytes
from :mod:`.streaming`. A file export appears whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annotate.exchange.export_rows import corpus_threads
from annotate.exchange.streaming import BinarySink, encoded_chunks, writer_stream
from threads.formats.records import FormatError, ThreadRecord
from threads.models import Article, Corpus

EXPORT_FORMATS = ("jsonl", "csv", "convokit", "brat")
# The formats whose export is a zip (convokit: or a folder): a writer of the records to a sink.
_ZIP_FORMATS = ("convokit", "brat")


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


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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


def _zip_writer(fmt: str, corpus: Corpus) -> Callable[[Iterable[ThreadRecord], Any], int]:
    """The zip writer of ``fmt`` (convokit or brat): the corpus's files under its slug."""
    if fmt == "convokit":
        from threads.formats import convokit

        return lambda records, out: convokit.write_zip(records, out, corpus_name=corpus.slug)
    from threads.formats import brat

    return lambda records, out: brat.write_zip(records, out, corpus_name=corpus.slug)


def _format_check(fmt: str) -> None:
    """Refuse an unknown format before anything is read or written."""
    if fmt not in EXPORT_FORMATS:
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
    """Write ``corpus`` to ``path``: a jsonl or csv file, a ConvoKit folder (or ``.zip``), or a
    brat zip.

    The file appears whole or not at all: it is written beside the target and
    renamed into place at the end.
    """
    _format_check(fmt)
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
                    if fmt in _ZIP_FORMATS:
                        _zip_writer(fmt, corpus)(records, binary)
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
    """The export of ``corpus`` as bytes chunks: jsonl or csv (UTF-8), ConvoKit or brat as a zip.

    For a streaming HTTP response; memory stays flat. jsonl and csv are
    encoded a thread at a time in this generator. The zip writer pushes
    (zipfile writes as it pleases), so it runs in a helper thread fed one
    record at a time; the database stays in this thread (and its connection),
    and closing the generator stops the writer.
    """
    _format_check(fmt)
    records = corpus_threads(corpus=corpus, pseudonymise=pseudonymise)
    if fmt not in _ZIP_FORMATS:
        return encoded_chunks(records, *_encoder(fmt))
    write_zip = _zip_writer(fmt, corpus)

    def write(items: Iterable[ThreadRecord], emit: Callable[[bytes], None]) -> None:
        with BinarySink(emit) as sink:
            write_zip(items, sink)

    return writer_stream(records, write)
