"""Importing brat standoff: pairs and post maps into a corpus, all or nothing."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotate.exchange import threads_import, threads_import_upload
from annotate.models import Claim, LabelKind, LabelValue
from tests.threads.brat_files import SAMPLES, pair
from threads.formats.records import FormatError, ReadOptions
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def imported(*paths: Path, **options):
    return threads_import(
        corpus_slug="cmv", paths=list(paths), fmt="brat", options=ReadOptions(**options)
    )


def test_it_imports_a_cmv_thread_as_an_article_and_its_chain_of_replies():
    imported(SAMPLES / "cmv")

    article = Article.objects.get(corpus__slug="cmv")
    assert (article.external_id, article.author) == ("t3_5xcmv", "OP_writer")
    assert article.title == "CMV: Cities should ban cars from their centres."
    comments = list(Comment.objects.order_by("position").values_list("external_id", "depth"))
    assert comments == [("t1_dk1", 0), ("t1_dk2", 1), ("t1_dk3", 2)]


def test_it_stores_each_span_as_a_claim_on_its_text_with_its_type_and_stance():
    imported(SAMPLES / "cmv")

    claims = Claim.objects.select_related("comment", "claim_type", "stance").order_by("pk")
    found = {c.quote: c for c in claims}
    assert len(found) == 7
    title = found["Cities should ban cars from their centres"]
    assert (title.comment, title.start, title.claim_type.name) == (None, 5, "MajorClaim")
    vans = found["Delivery vans still need access"]
    assert (vans.comment.external_id, vans.start, vans.end) == ("t1_dk1", 12, 43)
    assert (vans.stance.name, vans.note) == ("oppose", "Concedes nothing yet.")


def test_the_labels_are_the_folders_annotators_whose_account_is_created():
    summary = imported(SAMPLES / "cmv")

    assert summary.users_created == 1
    user = get_user_model().objects.get(username="cmv")
    assert not user.has_usable_password()
    assert set(Claim.objects.values_list("annotator__username", flat=True)) == {"cmv"}


def test_the_annotator_option_names_whose_labels_they_are():
    imported(SAMPLES / "cmv", annotator="hidey")

    assert set(Claim.objects.values_list("annotator__username", flat=True)) == {"hidey"}


def test_as_gold_imports_gold_claims_settled_by_the_annotator():
    imported(SAMPLES / "cmv", annotator="victor", as_gold=True)

    claims = Claim.objects.all()
    assert all(c.is_gold and c.source_id is None for c in claims)
    assert {c.annotator.username for c in claims} == {"victor"}


def test_the_summary_counts_byte_offset_files_and_lists_the_values_it_added():
    summary = imported(SAMPLES / "cmv", SAMPLES / "bytes")

    assert summary.counts["byte-offset files"] == 1
    assert (LabelKind.CLAIM_TYPE, "MajorClaim") in summary.labels_added
    assert "byte-offset files: 1." in str(summary)
    assert "claim type: MajorClaim, Claim, Premise" in str(summary)


def test_byte_offsets_become_code_points_around_non_ascii_text():
    imported(SAMPLES / "bytes")

    quotes = set(Claim.objects.values_list("quote", flat=True))
    assert quotes == {
        "Le café 🙂 is overrated",
        "the same bitter espresso 😖 for five francs",
        "good cafés roast their own beans ☕ and it shows",
    }
    comment = Comment.objects.get()
    assert comment.text.endswith("it shows.")  # the post ending past the text, clamped


RELATED = "T1\tclaim 0 4\tCars\nT2\tclaim 9 14\tloud.\nR1\tPartial-Attack Arg1:T2 Arg2:T1\n"


def test_it_adds_a_relation_type_the_schema_lacks_as_it_adds_the_other_kinds(tmp_path):
    # As the AbstRCT corpus does: relations typed Support, Attack, Partial-Attack.
    pair(tmp_path / "x", "t", "Cars are loud.", RELATED)

    summary = imported(tmp_path / "x", annotator="ann")

    assert "relation type: Partial-Attack" in str(summary)
    assert LabelValue.objects.filter(kind=LabelKind.RELATION, name="Partial-Attack").exists()


def test_strict_schema_refuses_a_relation_type_the_schema_lacks(tmp_path):
    pair(tmp_path / "x", "t", "Cars are loud.", RELATED)

    with pytest.raises(FormatError) as error:
        imported(tmp_path / "x", annotator="ann", strict_schema=True)

    assert "Partial-Attack" in str(error.value)
    assert not Article.objects.exists()


def test_strict_schema_refuses_a_brat_type_the_schema_lacks_and_imports_nothing():
    with pytest.raises(FormatError) as error:
        imported(SAMPLES / "cmv", strict_schema=True)

    assert "unknown claim type 'MajorClaim'" in str(error.value)
    assert "t3_5xcmv.ann:T1" in str(error.value)
    assert not Article.objects.exists()
    assert not LabelValue.objects.filter(name="MajorClaim").exists()


@pytest.mark.parametrize("bad", sorted(p.name for p in (SAMPLES / "bad").iterdir()))
def test_a_bad_pair_beside_good_ones_imports_nothing(tmp_path, bad):
    shutil.copytree(SAMPLES / "cmv", tmp_path / "corpus" / "cmv")
    shutil.copytree(SAMPLES / "bad" / bad, tmp_path / "corpus" / bad)

    with pytest.raises(FormatError) as error:
        imported(tmp_path / "corpus")

    assert str(tmp_path / "corpus" / bad) in str(error.value)
    assert not Article.objects.exists() and not Claim.objects.exists()


def test_it_imports_an_uploaded_zip_of_pairs_naming_a_file_inside_in_errors(tmp_path):
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for path in (SAMPLES / "cmv").iterdir():
            archive.write(path, f"corpus/alice/{path.name}")
        archive.writestr("corpus/bob/t3_5xcmv.txt", (SAMPLES / "cmv" / "t3_5xcmv.txt").read_bytes())
        archive.writestr("corpus/bob/t3_5xcmv.ann", "E1\tClaim:T1\n")

    with pytest.raises(FormatError) as error:
        threads_import_upload(corpus_slug="cmv", name="up.zip", path=saved(tmp_path, sink))
    assert error.value.file == "up.zip: corpus/bob/t3_5xcmv.ann"

    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as archive:
        for path in (SAMPLES / "cmv").iterdir():
            archive.write(path, f"corpus/alice/{path.name}")
    summary = threads_import_upload(corpus_slug="cmv", name="up.zip", path=saved(tmp_path, good))
    assert (summary.threads, summary.claims) == (1, 7)


def saved(folder, data: io.BytesIO):
    """The upload as the admin's form saves it: a file on disk."""
    path = folder / f"upload-{len(list(folder.iterdir()))}.zip"
    path.write_bytes(data.getvalue())
    return path


def test_import_threads_takes_the_brat_options(tmp_path):
    pair(tmp_path / "x", "t", "Cars are loud.", "T1\tClaim 0 4\tCars\nA1\tPosition T1 oppose\n")
    out = io.StringIO()

    call_command(
        "import_threads", str(tmp_path / "x"), "--corpus", "c", "--annotator", "ann",
        "--stance-attribute", "Position", stdout=out,
    )  # fmt: skip

    claim = Claim.objects.select_related("stance", "annotator").get()
    assert (claim.annotator.username, claim.stance.name) == ("ann", "oppose")
    assert "1 claim" in out.getvalue()


def test_import_threads_names_the_file_and_line_of_a_bad_pair():
    with pytest.raises(CommandError) as error:
        call_command("import_threads", str(SAMPLES / "bad" / "unknown_kind"), "--corpus", "c")

    assert str(error.value).startswith(f"{SAMPLES / 'bad' / 'unknown_kind' / 'thread.ann'}, line 2")
