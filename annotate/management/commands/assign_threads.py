"""``python manage.py assign_threads SLUG --k 3 --annotators alice,bob,carol [--seed N]
[--threads-from FILE]``: give each unassigned thread (or each thread named in FILE) k annotators,
balanced by their open load, reproducibly with a seed.

The same service as the admin's action (:func:`assignment_overlap_create`); every check runs
before anything is written, and any bad input exits non-zero with nothing changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotate.services.assignments import assignment_overlap_create
from threads.models import Article, Corpus


class Command(BaseCommand):
    help = (
        "Assign every unassigned thread of a corpus (or every thread listed in --threads-from) "
        "to k annotators out of a pool, balanced by their open assignments; the same --seed "
        "gives the same plan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpus", metavar="SLUG", help="the corpus's slug")
        # Plain strings, checked below: argparse's own errors name no remedy.
        parser.add_argument("--k", required=True, help="annotators per thread")
        parser.add_argument(
            "--annotators",
            required=True,
            help="comma-separated usernames, each with the annotator role on the corpus",
        )
        parser.add_argument("--seed", help="a whole number; the same seed gives the same plan")
        parser.add_argument(
            "--threads-from",
            type=Path,
            help="a file of thread external ids, one a line (default: every unassigned thread)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        corpus = Corpus.objects.filter(slug=options["corpus"]).first()
        if corpus is None:
            raise CommandError(f"No corpus “{options['corpus']}”.")
        k = _whole_number(options["k"], "--k")
        seed = None if options["seed"] is None else _whole_number(options["seed"], "--seed")
        annotators = _users(options["annotators"])
        articles = None
        if options["threads_from"] is not None:
            articles = _threads_from(options["threads_from"], corpus)
        try:
            result = assignment_overlap_create(
                corpus=corpus, k=k, annotators=annotators, seed=seed, articles=articles
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(result))


def _whole_number(value: str, option: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"{option} must be a whole number, not “{value}”.") from None


def _users(names: str) -> list[Any]:
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    if not wanted:
        raise CommandError("--annotators names nobody; give comma-separated usernames.")
    User = get_user_model()
    found = {u.get_username(): u for u in User.objects.filter(username__in=wanted)}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise CommandError(f"No user named {', '.join(map(repr, unknown))}.")
    return [found[n] for n in wanted]


def _threads_from(path: Path, corpus: Corpus) -> list[Article]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    wanted = [(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]
    found = {
        a.external_id: a
        for a in Article.objects.filter(
            corpus=corpus, external_id__in=[ext for _, ext in wanted]
        ).only("pk", "corpus_id", "external_id")
    }
    for number, ext in wanted:
        if ext not in found:
            raise CommandError(f"{path}, line {number}: no thread “{ext}” in corpus {corpus.slug}.")
    if not wanted:
        raise CommandError(f"{path} names no thread.")
    return [found[ext] for _, ext in wanted]
