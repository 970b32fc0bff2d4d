"""Label values an import brings that the corpus's schema lacks: added and listed, or refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.exchange import threads_import
from annotate.exchange.schema_additions import ADDED_DESCRIPTION
from annotate.models import Claim, LabelKind, LabelValue, ReplyLabel
from tests.factories import CorpusFactory
from threads.formats.records import FormatError, ReadOptions
from threads.models import Article

pytestmark = pytest.mark.django_db


def labelled(tmp_path: Path, *, stance: str = "support", claim_type: str = "claim",
             reply_label: str = "support") -> Path:  # fmt: skip
    """A jsonl file of one thread with one claim and one reply label by alice."""
    record = {
        "id": "t1",
        "title": "T",
        "body": "Thesis here.",
        "comments": [{"id": "c1", "parent_id": None, "text": "A reply."}],
        "annotations": {
            "claims": [
                {"id": 1, "annotator": "alice", "comment_id": None, "start": 0, "end": 6,
                 "text": "Thesis", "claim_type": claim_type, "stance": stance,
                 "stance_target": "thesis"}
            ],
            "reply_labels": [{"annotator": "alice", "comment_id": "c1", "label": reply_label}],
        },
    }  # fmt: skip
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def names(corpus_slug: str, kind: str) -> list[str]:
    return list(
        LabelValue.objects.filter(corpus__slug=corpus_slug, kind=kind).values_list(
            "name", flat=True
        )
    )


def test_it_adds_the_values_the_schema_lacks_and_the_labels_carry_them(tmp_path):
    path = labelled(tmp_path, stance="agree", claim_type="MajorClaim", reply_label="attack")

    threads_import(corpus_slug="c", paths=[path])

    assert names("c", LabelKind.STANCE)[-1] == "agree"
    assert names("c", LabelKind.CLAIM_TYPE) == ["claim", "MajorClaim"]
    claim = Claim.objects.select_related("stance", "claim_type").get()
    assert (claim.stance.name, claim.claim_type.name) == ("agree", "MajorClaim")
    assert ReplyLabel.objects.get().label.name == "attack"


def test_the_summary_lists_the_values_it_added(tmp_path):
    path = labelled(tmp_path, stance="agree", claim_type="MajorClaim", reply_label="attack")

    summary = threads_import(corpus_slug="c", paths=[path])

    assert summary.labels_added == [
        (LabelKind.CLAIM_TYPE, "MajorClaim"),
        (LabelKind.STANCE, "agree"),
        (LabelKind.REPLY_LABEL, "attack"),
    ]
    assert (
        "Added to the label schema: claim type: MajorClaim; stance: agree; reply label: attack."
        in str(summary)
    )


def test_an_added_value_has_no_key_the_default_colour_and_comes_after_the_others(tmp_path):
    CorpusFactory(slug="c")
    threads_import(corpus_slug="c", paths=[labelled(tmp_path, stance="agree")])

    stances = LabelValue.objects.filter(corpus__slug="c", kind=LabelKind.STANCE)
    added = stances.get(name="agree")
    assert (added.key, added.colour, added.description) == ("", "#888888", ADDED_DESCRIPTION)
    assert added.order > max(s.order for s in stances.exclude(pk=added.pk))


def test_a_value_used_twice_is_added_once(tmp_path):
    first = labelled(tmp_path, stance="agree")
    second = tmp_path / "b.jsonl"
    second.write_text(first.read_text().replace('"t1"', '"t2"'), encoding="utf-8")

    summary = threads_import(corpus_slug="c", paths=[first, second])

    assert summary.labels_added == [(LabelKind.STANCE, "agree")]
    assert names("c", LabelKind.STANCE).count("agree") == 1


def test_strict_schema_refuses_a_new_value_naming_it_and_where_and_adds_nothing(tmp_path):
    path = labelled(tmp_path, claim_type="MajorClaim")

    with pytest.raises(FormatError) as error:
        threads_import(corpus_slug="c", paths=[path], options=ReadOptions(strict_schema=True))

    message = str(error.value)
    assert str(path) in message and "thread 't1'" in message and "claim 1" in message
    assert "unknown claim type 'MajorClaim'" in message and "--strict-schema" in message
    assert not Article.objects.exists()
    assert not LabelValue.objects.filter(name="MajorClaim").exists()


def test_a_failed_import_leaves_no_value_it_added(tmp_path):
    good = labelled(tmp_path, stance="agree")
    bad = tmp_path / "b.jsonl"
    bad.write_text("{broken\n", encoding="utf-8")

    with pytest.raises(FormatError):
        threads_import(corpus_slug="c", paths=[good, bad])

    assert not LabelValue.objects.filter(name="agree").exists()


def test_a_name_longer_than_the_schema_keeps_is_refused(tmp_path):
    path = labelled(tmp_path, stance="x" * 51)

    with pytest.raises(FormatError, match="longer than 50 characters"):
        threads_import(corpus_slug="c", paths=[path])
