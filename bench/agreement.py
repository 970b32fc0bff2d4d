"""Agreement figures for a large synthetic corpus, from nothing and from cached pieces.

Builds, in memory and seeded, a corpus of 1,000 threads, each an article and 100 comments
of about 300 code points, labelled by 3 annotators (drawn from a pool of 5, so the corpus
has pairs that share some threads and not others): about one claim per annotator per text
(~300,000 claims) and one reply label per annotator per comment. Annotators mostly follow
a shared "true" span with some jitter, so the figures are neither 0 nor 1.

Then times ``corpus_report`` from the records, and ``corpus_report_from_pieces`` from thread
figures that went through JSON (as a database cache would keep them), checks that both
reports are equal, and prints seconds, claims/s and the peak resident memory.

    /work/main/.venv/bin/python bench/agreement.py [--threads 1000] [--comments 100]

Targets: from nothing well under 60 s on a 2-core machine, peak memory under 300 MB.
Wall seconds suffer when other work shares the machine; the CPU seconds beside them do not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotate.agreement import (  # noqa: E402
    ClaimRecord,
    ReplyLabelRecord,
    Text,
    ThreadStudy,
    corpus_report,
    corpus_report_from_pieces,
    thread_figures,
)

POOL = ["ana", "ben", "cai", "dev", "eli"]
CLAIM_TYPES = ["claim", "premise"]
STANCES = ["support", "oppose", "neutral"]
TARGETS = ["thesis", "parent", "claim"]
REPLY_LABELS = ["support", "deny", "query", "comment"]


def build_thread(rng: random.Random, comments: int) -> ThreadStudy:
    """One synthetic thread: texts in display order, claims, reply labels."""
    annotators = sorted(rng.sample(POOL, 3))
    texts = [Text(key=None, length=rng.randint(250, 350), depth=0)]
    depth = 0
    for comment in range(comments):
        depth = rng.randint(1, min(depth + 1, 6))
        texts.append(Text(key=comment, length=rng.randint(250, 350), depth=depth))
    claims: list[ClaimRecord] = []
    labels: list[ReplyLabelRecord] = []
    order = 0
    for text in texts:
        true_start = rng.randrange(0, text.length - 60)
        true_end = true_start + rng.randint(20, 60)
        true_type = rng.choice(CLAIM_TYPES)
        true_stance = rng.choice(STANCES)
        true_label = rng.choice(REPLY_LABELS)
        for annotator in annotators:
            if rng.random() < 0.8:
                start = max(0, true_start + rng.randint(-4, 4))
                end = min(text.length, max(start + 1, true_end + rng.randint(-4, 4)))
                claim_type = true_type if rng.random() < 0.9 else rng.choice(CLAIM_TYPES)
            else:
                start = rng.randrange(0, text.length - 30)
                end = start + rng.randint(5, 30)
                claim_type = rng.choice(CLAIM_TYPES)
            stance = true_stance if rng.random() < 0.75 else rng.choice(STANCES)
            target = "thesis" if text.key is None else rng.choice(TARGETS)
            claims.append(
                ClaimRecord(annotator, text.key, start, end, claim_type, stance, target, order)
            )
            order += 1
            if text.key is not None:
                label = true_label if rng.random() < 0.7 else rng.choice(REPLY_LABELS)
                labels.append(ReplyLabelRecord(annotator, text.key, label))
    return ThreadStudy(texts=texts, claims=claims, reply_labels=labels, annotators=annotators)


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    started = time.perf_counter()
    studies = {f"t{n:05d}": build_thread(rng, args.comments) for n in range(args.threads)}
    built = time.perf_counter() - started
    n_claims = sum(len(study.claims) for study in studies.values())
    n_labels = sum(len(study.reply_labels) for study in studies.values())
    print(f"corpus: {args.threads} threads, {n_claims} claims, {n_labels} reply labels")
    print(f"build records:               {built:7.2f} s   peak RSS {peak_rss_mb():6.1f} MB")

    started, cpu_started = time.perf_counter(), time.process_time()
    report = corpus_report(studies)
    from_nothing = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"corpus_report from nothing:  {from_nothing:7.2f} s ({cpu:5.2f} s CPU)"
        f"   peak RSS {peak_rss_mb():6.1f} MB   {n_claims / from_nothing:,.0f} claims/s"
    )

    # Keep only a digest of the first report, so the second stage's peak is its own.
    digest = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()
    corpus = report["corpus"]
    del report

    stored = json.dumps({key: thread_figures(study) for key, study in studies.items()})
    stored_size = len(stored)
    pieces = json.loads(stored)
    del stored
    started, cpu_started = time.perf_counter(), time.process_time()
    from_pieces = corpus_report_from_pieces(pieces)
    cached = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"corpus_report_from_pieces:   {cached:7.2f} s ({cpu:5.2f} s CPU)"
        f"   peak RSS {peak_rss_mb():6.1f} MB"
        f"   pieces {stored_size / 1e6:.1f} MB as JSON"
        f" ({stored_size / args.threads / 1e3:.1f} kB a thread)"
    )
    same = hashlib.sha256(json.dumps(from_pieces, sort_keys=True).encode()).hexdigest() == digest
    print(f"reports equal: {same}")
    print(
        "figures: reply alpha {:.4f}, alpha_U thread mean {:.4f}, overlap F1 micro {:.4f},"
        " stance kappa mean {:.4f}".format(
            corpus["reply_labels"]["alpha_nominal"],
            corpus["claims"]["alpha_u"]["thread_mean"],
            corpus["claims"]["span_f1"]["overlap"]["micro"],
            corpus["claims"]["stance"]["kappa_mean_pairwise"],
        )
    )


if __name__ == "__main__":
    main()
