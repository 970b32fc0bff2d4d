"""``manage.py import_threads FILE... --corpus SLUG``: a thin shell around the import service."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.exchange import threads_import
from threads.formats import FORMATS
from threads.formats.records import FormatError, ReadOptions
from threads.formats.tree import ORPHAN_POLICIES


class Command(BaseCommand):
    help = (
        "Import discussion threads into a corpus, all files in one transaction: a file with "
        "an error imports nothing. Threads already in the corpus (same id) are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", type=Path, metavar="FILE", help="files (or ConvoKit folders)"
        )
        parser.add_argument(
            "--corpus", required=True, metavar="SLUG", help="created if it does not exist"
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="the files' format (default: from each file's name)",
        )
        parser.add_argument(
            "--orphans",
            choices=ORPHAN_POLICIES,
            default="error",
            help="a comment whose parent is not in the file: refuse the import (error), make "
            "it a top-level comment (attach) or leave it out with its replies (skip)",
        )
        parser.add_argument(
            "--annotator",
            metavar="NAME",
            help="labelled formats: whose the file's labels become (an account is created "
            "if missing); by default each format's own annotator names",
        )
        parser.add_argument(
            "--as-gold",
            action="store_true",
            help="labelled formats: the file's labels become gold, settled by the annotator",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = sys.stderr.isatty() and not options["quiet"]
        try:
            summary = threads_import(
                corpus_slug=options["corpus"],
                paths=options["files"],
                fmt=options["format"],
                orphans=options["orphans"],
                progress=progress,
                options=ReadOptions(annotator=options["annotator"], as_gold=options["as_gold"]),
            )
        except FormatError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(str(summary))
