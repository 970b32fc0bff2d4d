"""Exporting to brat (a zip of pairs and post maps), and round trips through the database."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from annotate.exchange import corpus_export, corpus_export_stream, threads_import
from annotate.models import LabelKind
from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, ReplyLabelFactory, label
from tests.threads.brat_files import SAMPLES
from threads.formats import ReadOptions, read_threads
from threads.formats.records import ThreadRecord
from threads.models import Corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def labelled(thread, alice, bob, victor):
    """The conftest thread (c1 > c2 > c3, c4) with alice's, bob's and gold labels."""
    article = thread["article"]
    corpus = article.corpus

    def lv(kind, name):
        return label(corpus, kind, name)

    thesis = ClaimFactory(annotator=alice, article=article, start=0, end=6, note="two\nlines")
    ClaimFactory(
        annotator=alice,
        article=article,
        comment=thread["c3"],
        start=7,
        end=8,  # "𝕏"
        stance=lv(LabelKind.STANCE, "oppose"),
        target_claim=thesis,
    )
    ClaimFactory(
        annotator=bob,
        article=article,
        comment=thread["c2"],
        start=0,
        end=1,
        stance=lv(LabelKind.STANCE, "neutral"),
        stance_target=lv(LabelKind.STANCE_TARGET, "parent"),
    )
    gold = ClaimFactory(annotator=victor, article=article, is_gold=True, source=alice)
    ClaimFactory(
        annotator=victor, article=article, comment=thread["c1"], start=0, end=5,
        target_claim=gold, is_gold=True,
    )  # fmt: skip
    ReplyLabelFactory(annotator=alice, comment=thread["c4"])
    ReplyLabelFactory(annotator=bob, comment=thread["c2"], label=lv(LabelKind.REPLY_LABEL, "deny"))
    ReplyLabelFactory(
        annotator=victor, comment=thread["c2"], label=lv(LabelKind.REPLY_LABEL, "deny"),
        is_gold=True, source=bob,
    )  # fmt: skip
    ArticleFactory(corpus=corpus, external_id="quiet", body="Nobody labelled this.")
    return corpus


def zip_of(corpus: Corpus) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(corpus_export_stream(corpus=corpus, fmt="brat"))))


def test_it_exports_a_pair_and_post_map_per_thread_and_annotator_gold_and_a_conf(labelled):
    names = set(zip_of(labelled).namelist())

    expected = {f"demo/{who}/thread-1.{ext}" for who in ("alice", "bob", "gold")
                for ext in ("txt", "ann", "metadata")}  # fmt: skip
    expected |= {"demo/quiet.txt", "demo/quiet.ann", "demo/quiet.metadata", "demo/annotation.conf"}
    assert names == expected


def test_the_txt_holds_every_text_and_the_ann_each_claim_at_its_place(labelled):
    archive = zip_of(labelled)
    text = archive.read("demo/alice/thread-1.txt").decode("utf-8")
    lines = archive.read("demo/alice/thread-1.ann").decode("utf-8").splitlines()
    spans = [line.split("\t") for line in lines if line.startswith("T")]

    for _, where, quote in spans:
        _, start, end = where.split()
        assert text[int(start) : int(end)] == quote
    assert [quote for _, _, quote in spans] == ["Thesis", "𝕏"]


def test_export_corpus_writes_a_brat_zip_file(labelled, tmp_path):
    summary = corpus_export(corpus=labelled, fmt="brat", path=tmp_path / "demo-brat.zip")

    assert summary.threads == 2
    with zipfile.ZipFile(tmp_path / "demo-brat.zip") as archive:
        assert "demo/gold/thread-1.ann" in archive.namelist()


@pytest.mark.parametrize("threads", [1, 8])
def test_the_stream_reads_the_database_in_a_fixed_number_of_queries(
    labelled, threads, django_assert_max_num_queries
):
    for n in range(threads):
        article = ArticleFactory(corpus=labelled, external_id=f"more-{n}")
        CommentFactory(article=article)

    with django_assert_max_num_queries(7):  # the relations are one more read
        data = b"".join(corpus_export_stream(corpus=labelled, fmt="brat"))

    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 3 * (threads + 4) + 1


# --- round trips -----------------------------------------------------------------------------


def unpacked(corpus: Corpus, into: Path) -> Path:
    zip_of(corpus).extractall(into)
    return into / corpus.slug


def comparable(records: list[ThreadRecord] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Threads as jsonl dicts less what brat does not carry (times, URLs, meta), each claim
    id replaced by (annotator, text, start) so files with other ids compare."""
    from threads.formats.jsonl import thread_to_dict

    out = []
    for record in records:
        data = thread_to_dict(record) if isinstance(record, ThreadRecord) else dict(record)
        for key in ("url", "created_at", "meta"):
            data.pop(key)
        for comment in data["comments"]:
            comment.pop("created_at")
            comment.pop("meta")
        for section in ("annotations", "gold"):
            claims = data[section]["claims"]
            key = {c["id"]: (c["annotator"], c["comment_id"] or "", c["start"]) for c in claims}
            for c in claims:
                c.pop("created_at"), c.pop("updated_at")
                c["id"] = key[c["id"]]
                c["relations"] = [{**r, "claim": key[r["claim"]]} for r in c["relations"]]
                if isinstance(c["stance_target"], dict):
                    c["stance_target"] = {"claim": key[c["stance_target"]["claim"]]}
            claims.sort(key=lambda c: c["id"])
            data[section]["reply_labels"].sort(key=lambda r: (r["annotator"], r["comment_id"]))
        out.append(data)
    return sorted(out, key=lambda d: d["id"])


def jsonl_of(corpus: Corpus) -> list[dict[str, Any]]:
    data = b"".join(corpus_export_stream(corpus=corpus, fmt="jsonl"))
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_threadlab_to_brat_to_threadlab_keeps_every_text_and_label(labelled, tmp_path):
    summary = threads_import(corpus_slug="copy", paths=[unpacked(labelled, tmp_path)])

    assert (summary.threads, summary.claims, summary.reply_labels) == (2, 5, 3)
    copy = Corpus.objects.get(slug="copy")
    assert comparable(jsonl_of(copy)) == comparable(jsonl_of(labelled))


def test_brat_to_threadlab_to_brat_keeps_every_span_type_attribute_and_relation(tmp_path):
    samples = [SAMPLES / name for name in ("plain", "cmv", "bytes")]
    threads_import(corpus_slug="cmv", paths=samples, fmt="brat")

    exported = unpacked(Corpus.objects.get(slug="cmv"), tmp_path)
    again = list(read_threads(exported, fmt="brat", options=ReadOptions()))

    first = [t for s in samples for t in read_threads(s, fmt="brat", options=ReadOptions())]
    assert comparable(again) == comparable(first)
