"""Label Studio import throughput on a synthetic export: claims per second.

    python bench/import_labelstudio.py [--tasks 2000] [--regions 25]

Writes an export of ``--tasks`` tasks (an article of about 150 words with emoji
each), each with two annotations of ``--regions`` regions with a per-region
stance; the older annotator's offsets are UTF-16 code units, so about half the
regions are converted. Imports it with ``threads_import`` into a SQLite file in
a temporary folder, or, when DATABASE_URL names a PostgreSQL database, into that
one inside a transaction rolled back after the figures (its deferred checks
forced to run first, so they are timed), and prints the figures: wall clock, and
this process's CPU time, which swings less when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_export import WORDS, setup_django  # noqa: E402  (a script beside this one)

ANNOTATORS = ({"id": 1, "email": "old@example.org"}, 2)
STANCES = ("support", "oppose", "neutral")


def utf16(text: str, index: int) -> int:
    return index + sum(1 for char in text[:index] if char > "\uffff")


def synthetic_task(rng: random.Random, number: int, regions: int) -> dict[str, Any]:
    text = " ".join(rng.choices(WORDS, k=150))
    starts = [0]
    for word in text.split(" ")[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    annotations = []
    for index, who in enumerate(ANNOTATORS):
        results = []
        for r in range(regions):
            first = rng.randrange(len(starts) - 3)
            start, end = starts[first], starts[first + 2] - 1
            if index == 0:  # the older Label Studio wrote UTF-16 code units
                start, end = utf16(text, start), utf16(text, end)
            value = {
                "start": start,
                "end": end,
                "text": text[starts[first] : starts[first + 2] - 1],
            }
            rid = f"r{r}"
            results.append({"id": rid, "type": "labels", "value": {**value, "labels": ["claim"]}})
            choice = {**value, "choices": [rng.choice(STANCES)]}
            results.append({"id": rid, "type": "choices", "from_name": "stance", "value": choice})
        annotations.append({"id": number * 10 + index, "completed_by": who, "result": results})
    return {
        "id": number,
        "data": {"text": text, "title": f"Task {number}"},
        "annotations": annotations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--regions", type=int, default=25, help="per annotation")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="threadlab-bench-ls-"))
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from annotate.exchange import threads_import

    call_command("migrate", verbosity=0)
    rng = random.Random(20261203)
    source = tmp / "export.json"
    tasks = [synthetic_task(rng, n, args.regions) for n in range(1, args.tasks + 1)]
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with transaction.atomic():
        started, cpu = time.perf_counter(), time.process_time()
        summary = threads_import(corpus_slug="bench-labelstudio", paths=[source])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        transaction.set_rollback(connection.vendor == "postgresql")
    print(
        f"{connection.vendor}: {summary.threads:,} tasks, {summary.claims:,} claims"
        f" ({summary.counts['regions converted from UTF-16']:,} converted from UTF-16)"
        f" in {seconds:.2f} s: {summary.claims / seconds:,.0f} claims/s,"
        f" {source.stat().st_size / seconds / 1e6:.1f} MB/s of export;"
        f" {cpu:.2f} s of this process's CPU: {summary.claims / cpu:,.0f} claims per CPU second"
    )


if __name__ == "__main__":
    main()
