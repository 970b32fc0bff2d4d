"""``python manage.py export_corpus SLUG --format jsonl|csv|convokit|brat -o PATH``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.exchange import EXPORT_FORMATS, corpus_export, corpus_threads
from threads.formats.records import FormatError
from threads.models import Corpus

_LISTED = 20  # known slugs named in the unknown-corpus message


class Command(BaseCommand):
    help = (
        "Export a corpus with its labels (annotators' and gold): jsonl or csv to a file (or "
        "stdout with -o -), convokit to a folder (or a .zip), brat to a .zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpus", metavar="SLUG")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl")
        parser.add_argument(
            "-o", "--output", required=True, metavar="PATH", help="'-' writes to stdout"
        )
        parser.add_argument(
            "--pseudonymise",
            action="store_true",
            help="replace article and comment authors with stable per-corpus pseudonyms",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        corpus = Corpus.objects.filter(slug=options["corpus"]).first()
        if corpus is None:
            raise CommandError(_unknown_corpus(options["corpus"]))
        fmt, output = options["format"], options["output"]
        if output == "-":
            if fmt == "convokit":
                raise CommandError(
                    "a convokit export is a folder: give -o a folder path (or a .zip file)"
                )
            if fmt == "brat":
                raise CommandError("a brat export is a zip: give -o a file path (NAME.zip)")
            self._to_stdout(corpus, fmt, options["pseudonymise"])
            return
        try:
            summary = corpus_export(
                corpus=corpus,
                fmt=fmt,
                path=Path(output),
                pseudonymise=options["pseudonymise"],
                progress=sys.stderr.isatty() and not options["quiet"],
            )
        except (FormatError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(str(summary))

    def _to_stdout(self, corpus: Corpus, fmt: str, pseudonymise: bool) -> None:
        if fmt == "csv":
            from threads.formats.csv import write
        else:
            from threads.formats.jsonl import write
        write(corpus_threads(corpus=corpus, pseudonymise=pseudonymise), cast(TextIO, _Out(self)))


class _Out:
    """The command's stdout as a plain text stream for a writer (no added line endings)."""

    def __init__(self, command: BaseCommand) -> None:
        self._stdout = command.stdout

    def write(self, text: str) -> int:
        self._stdout.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self._stdout.flush()


def _unknown_corpus(slug: str) -> str:
    slugs = list(Corpus.objects.order_by("slug").values_list("slug", flat=True)[: _LISTED + 1])
    if not slugs:
        return f"no corpus {slug!r}: there are no corpora yet (import_threads creates one)"
    more = " ..." if len(slugs) > _LISTED else ""
    return f"no corpus {slug!r}; known corpora: {', '.join(slugs[:_LISTED])}{more}"
