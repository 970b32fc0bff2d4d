"""Import throughput of brat standoff: synthetic pairs with post maps, attributes and relations.

    .venv/bin/python bench/import_brat.py [--files 2000] [--claims 50] [--posts 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_brat.py --pg-database threadlab_bench_brat

Writes ``--files`` CMV-like threads (a ``.txt``, ``.ann`` and ``.metadata`` each: a title
and ``--posts`` posts, each post answering the one before) with ``--claims`` spans a file,
every span with a ``Type1`` attribute, a third with a ``Stance``, most with a ``support`` or
``attack`` relation to an earlier span of the file, some with a note; one file in ten
counts its offsets in UTF-8 bytes (the text has é and emoji). Then imports the folder with
``threads_import`` on a fresh database (a SQLite file in a temporary folder, or, when
DATABASE_URL names a PostgreSQL server, a database created for the run and dropped after)
and prints claims/s, with the time the codec alone takes to read the files.

Target: >= 10,000 claims/s on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from import_export import (  # noqa: E402
    WORDS,
    drop_postgres_database,
    postgres_database,
    server_cpu_seconds,
    setup_django,
)

TYPES = ("Claim", "Premise", "MajorClaim")
TYPE1 = ("evaluation_rational", "evaluation_emotional", "interpretation", "logos", "pathos")


def write_pair(folder: Path, n: int, rng: random.Random, *, claims: int, posts: int) -> None:
    """One thread's .txt, .ann and .metadata."""
    in_bytes = n % 10 == 0

    def at(text: str, index: int) -> int:
        return len(text[:index].encode("utf-8")) if in_bytes else index

    title = f"CMV: thread {n} " + " ".join(rng.choices(WORDS, k=8))
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(60, 120))) for _ in range(posts)]
    whole = title + "\n" + "\n".join(texts) + "\n"
    meta = [f"Title 0 {at(whole, len(title))}"]
    spans: list[tuple[int, int]] = []
    start = len(title) + 1
    per_post = max(1, claims // posts)
    for p, text in enumerate(texts):
        end = start + len(text)
        post = f"{'t3' if p == 0 else 't1'}_{n}_{p}"
        meta.append(f"Content {post} user{p % 3} {at(whole, start)} {at(whole, end)}")
        words = text.split(" ")
        for k in range(per_post if p < posts - 1 else claims - per_post * (posts - 1)):
            first = (k * len(words)) // (per_post + 1)
            last = min(len(words), first + rng.randint(1, 5))
            s = start + len(" ".join(words[:first])) + (1 if first else 0)
            spans.append((s, s + len(" ".join(words[first:last]))))
        start = end + 1
    lines = []
    extra = []
    for i, (s, e) in enumerate(spans, start=1):
        lines.append(f"T{i}\t{rng.choice(TYPES)} {at(whole, s)} {at(whole, e)}\t{whole[s:e]}")
        extra.append(f"A{len(extra) + 1}\tType1 T{i} {rng.choice(TYPE1)}")
        if i % 3 == 0:
            extra.append(f"A{len(extra) + 1}\tStance T{i} {rng.choice(('support', 'oppose'))}")
        if i > 1 and rng.random() < 0.8:
            kind = rng.choice(("support", "attack"))
            extra.append(f"R{i}\t{kind} Arg1:T{i} Arg2:T{rng.randrange(1, i)}")
        if i % 10 == 0:
            extra.append(f"#{i}\tAnnotatorNotes T{i}\tchecked twice")
    (folder / f"t{n:05d}.txt").write_text(whole, encoding="utf-8")
    (folder / f"t{n:05d}.ann").write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    (folder / f"t{n:05d}.metadata").write_text("\n".join(meta) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=50, help="spans per file")
    parser.add_argument("--posts", type=int, default=5, help="posts per thread")
    parser.add_argument("--pg-database", default="threadlab_bench_brat")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="threadlab-brat-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith(("postgres://", "postgresql://")):
        url, admin = postgres_database(url, args.pg_database)
        backend = "postgresql"
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        backend = "sqlite"
    os.environ["DATABASE_URL"] = url
    try:
        run(args, tmp, backend)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if admin:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(admin, args.pg_database)


def run(args: argparse.Namespace, tmp: Path, backend: str) -> None:
    setup_django()
    from django.core.management import call_command

    from annotate.exchange import threads_import
    from threads.formats import ReadOptions, read_threads

    call_command("migrate", verbosity=0)
    folder = tmp / "corpus" / "annotator"
    folder.mkdir(parents=True)
    rng = random.Random(20261203)
    started = time.perf_counter()
    for n in range(args.files):
        write_pair(folder, n, rng, claims=args.claims, posts=args.posts)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    options = ReadOptions()
    read = sum(
        len(t.annotations["claims"])
        for t in read_threads(tmp / "corpus", fmt="brat", options=options)
    )  # type: ignore[index]
    reading = time.perf_counter() - started

    server_cpu = server_cpu_seconds()
    cpu = time.process_time()
    committed = time.perf_counter()
    summary = threads_import(corpus_slug="bench", paths=[tmp / "corpus"], fmt="brat")
    committed = time.perf_counter() - committed
    cpu = time.process_time() - cpu
    if server_cpu is not None:
        server_cpu = (server_cpu_seconds() or 0.0) - server_cpu

    print(
        f"backend {backend}: {summary.threads:,} files, {summary.comments:,} comments,"
        f" {summary.claims:,} claims ({read:,} read), byte-offset files:"
        f" {summary.counts['byte-offset files']:,} (generated in {generated:.1f} s)"
    )
    print(f"read only (the codec, no database): {reading:.2f} s, {read / reading:,.0f} claims/s")
    print(
        f"import: {summary.seconds:.2f} s, {summary.claims / summary.seconds:,.0f} claims/s;"
        f" with the commit {committed:.2f} s, {summary.claims / committed:,.0f} claims/s"
        f" (this process's CPU {cpu:.2f} s; target >= 10,000 claims/s)"
    )
    if server_cpu is not None:
        print(f"database server CPU for the import and its commit: {server_cpu:.2f} s")
    print(f"load average when done: {os.getloadavg()[0]:.1f} (2 cores, shared)")


if __name__ == "__main__":
    main()
