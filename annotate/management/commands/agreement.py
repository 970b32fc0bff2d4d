"""``python manage.py agreement SLUG [--thread ID] [-o FILE]``: compute a corpus's agreement
figures (kept per thread, as the API and the agreement page read them) and write them as JSON.

Run it after a large import so the first reader does not wait for every thread's figures.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.services.agreement import corpus_agreement
from threads.models import Article, Corpus


class Command(BaseCommand):
    help = "Compute a corpus's inter-annotator agreement and print it (or write it) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The corpus.")
        parser.add_argument("--thread", type=int, help="Only this thread (its id).")
        parser.add_argument("-o", "--output", help="Write the JSON here instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        corpus = Corpus.objects.filter(slug=options["slug"]).first()
        if corpus is None:
            raise CommandError(f"No corpus {options['slug']!r}.")
        thread = options["thread"]
        if thread is not None and not Article.objects.filter(pk=thread, corpus=corpus).exists():
            raise CommandError(f"No thread {thread} in corpus {corpus.slug!r}.")
        started = time.perf_counter()
        report = corpus_agreement(corpus=corpus, article_id=thread)
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"{len(report['threads'])} threads in {time.perf_counter() - started:.1f} s;"
                f" written to {options['output']}"
            )
        else:
            self.stdout.write(text, ending="")
