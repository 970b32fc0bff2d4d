"""brat standoff, bad input: each a FormatError naming the file and the line, nothing read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.threads.brat_files import SAMPLES, pair
from threads.formats import ReadOptions, read_threads
from threads.formats.records import FormatError

BAD = SAMPLES / "bad"


def error(path: Path, **options) -> FormatError:
    with pytest.raises(FormatError) as caught:
        list(read_threads(path, fmt="brat", options=ReadOptions(**options)))
    return caught.value


def test_a_discontinuous_span_is_refused_naming_its_line():
    found = error(BAD / "discontinuous")

    assert found.file == str(BAD / "discontinuous" / "thread.ann")
    assert found.line == 1
    assert "discontinuous span (0 4;10 16)" in found.message


def test_a_line_of_an_unknown_kind_is_refused_naming_it():
    found = error(BAD / "unknown_kind")

    assert (found.file, found.line) == (str(BAD / "unknown_kind" / "thread.ann"), 2)
    assert "'E1' is an event (E)" in found.message


def test_a_relation_to_an_unknown_span_is_refused():
    found = error(BAD / "unknown_relation_target")

    assert found.line == 3
    assert "relation R1 names T9, which is no span of this file" in found.message


def test_a_quote_matching_neither_code_points_nor_bytes_is_refused_saying_both():
    found = error(BAD / "quote_mismatch")

    assert found.line == 2
    assert "the quote 'thé' is not the text at 3-7" in found.message
    assert "as code points it reads 'café'" in found.message
    assert "as UTF-8 bytes it cuts a character in two" in found.message


def test_offsets_that_need_code_points_on_one_line_and_bytes_on_another_are_refused(tmp_path):
    text = "Café noir. Tea."
    # T1 matches as code points only, T2 as bytes only: a file is read one way.
    pair(tmp_path, "t", text, "T1\tClaim 0 4\tCafé\nT2\tClaim 12 15\tTea\n")

    found = error(tmp_path)

    assert found.line == 2
    assert "fit neither reading for the whole file" in found.message


def test_overlapping_posts_are_refused_naming_both():
    found = error(BAD / "overlapping_posts")

    assert (found.file, found.line) == (str(BAD / "overlapping_posts" / "thread.metadata"), 3)
    assert "posts overlap: 'p2' (line 3)" in found.message
    assert "'p1' (line 2)" in found.message


def test_a_span_across_two_posts_is_refused_naming_both():
    found = error(BAD / "span_across_posts")

    assert (found.file, found.line) == (str(BAD / "span_across_posts" / "thread.ann"), 1)
    assert "runs across two posts: the article (map line 2) and post 'p2'" in found.message


def test_a_span_between_posts_is_refused(tmp_path):
    pair(
        tmp_path,
        "t",
        "Body.\n\nReply.",
        "T1\tClaim 5 7\t\n\n",
        "Content t a 0 5\nContent c b 7 13\n",
    )

    assert "outside every post" in error(tmp_path).message


@pytest.mark.parametrize(
    ("ann", "line", "says"),
    [
        ("T1\tClaim 0 4\tCars\nT1\tClaim 0 4\tCars\n", 2, "the id T1 is used twice"),
        ("T1\tClaim 0 4\tCars\nA1\tStance T7 oppose\n", 2, "attribute A1 names T7"),
        (
            "T1\tClaim 0 4\tCars\nT2\tClaim 5 8\tare\nR1\tsupport Arg1:T1 Arg2:T2\n"
            "A1\tStance R1 oppose\n",
            4,
            "names R1, a relation: Threadlab keeps these only on spans",
        ),
        ("T1\tClaim 0 4\tCars\nA1\tType T1 a\nA2\tType T1 b\n", 3, "a second 'Type' attribute"),
        ("T1\tClaim 0 4\tCars\nA1\tStance T1\n", 2, "the stance attribute 'Stance' needs a value"),
        ("T1\tClaim 0 4\n", 1, "the quote is missing"),
        ("T1\tClaim 4 4\t\n", 1, "is empty"),
        ("T1\tClaim zero 4\tCars\n", 1, "a span is 'TYPE START END<TAB>quote'"),
        ("T1\tClaim 0 4\tCars\nR1\tsupport Arg1:T1\n", 2, "a relation is 'TYPE Arg1:ID Arg2:ID'"),
        ("T1\tClaim 0 4\tCars\n#1\tAnnotatorNotes T5\tnote\n", 2, "the note names T5"),
        ("T1\tClaim 0 4\tCars\nR1\tsupport Arg1:T1 Arg2:T1\n", 2, "links T1 to itself"),
        (
            "T1\tClaim 0 4\tCars\nT2\tClaim 5 8\tare\nR1\tsupport Arg1:T1 Arg2:T2\n"
            "R2\tsupport Arg1:T1 Arg2:T2\n",
            4,
            "relation R2 repeats the one on line 3",
        ),
        ("T1\tClaim 0 40\tCars\n", 1, "runs past the end of the text (14 code points)"),
        (
            "T1\tClaim 0 4\tCars\nA1\tStanceTarget T1 thesis\nT2\tClaim 5 8\tare\n"
            "R1\tStanceTarget Arg1:T1 Arg2:T2\n",
            2,
            "T1 needs one stance target",
        ),
    ],
)
def test_a_wrong_ann_line_is_refused_naming_it(tmp_path, ann, line, says):
    pair(tmp_path, "t", "Cars are loud.", ann)

    found = error(tmp_path)

    assert (found.file, found.line) == (str(tmp_path / "t.ann"), line)
    assert says in found.message


@pytest.mark.parametrize(
    ("metadata", "line", "says"),
    [
        ("Content t a 0 5\nContent c b 6 40\n", 2, "offset 40 is past the end of the text"),
        ("Content t a 0 5\nContent c b 6 9\nReply c d\n", 3, "answers 'd', which is no post"),
        ("Content t a 0 5\nHeadline 0 5\n", 2, "cannot read 'Headline 0 5'"),
        ("Content t a 0 5\nContent t b 6 9\n", 2, "post 't' is listed twice"),
        ("Title 0 5\n", 1, "lists no post"),
        ("Content t a 0 5\nContent c b 6 9\nReplyLabel t parent deny\n", 3, "no comment"),
        ("Content t a 0 5\nContent c b 6 9\nReplyLabel c sideways deny\n", 3, "toward 'sideways'"),
        ("Content t a 0 5\nContent c b 9 6\n", 2, "starts at 9, after its end 6"),
    ],
)
def test_a_wrong_post_map_line_is_refused_naming_it(tmp_path, metadata, line, says):
    pair(tmp_path, "t", "Cars are loud.", "", metadata)

    found = error(tmp_path)

    assert (found.file, found.line) == (str(tmp_path / "t.metadata"), line)
    assert says in found.message


def test_a_pair_missing_its_txt_is_refused(tmp_path):
    (tmp_path / "t.ann").write_text("", encoding="utf-8")

    found = error(tmp_path)

    assert found.file == str(tmp_path / "t.txt")
    assert "no t.txt beside t.ann" in found.message


def test_a_txt_that_is_not_utf8_is_refused(tmp_path):
    pair(tmp_path, "t", "", "")
    (tmp_path / "t.txt").write_bytes(b"caf\xe9")

    found = error(tmp_path)

    assert found.file == str(tmp_path / "t.txt")
    assert "not UTF-8" in found.message


def test_two_copies_of_a_thread_that_differ_are_refused(tmp_path):
    pair(tmp_path / "alice", "t", "Cars are loud.", "")
    pair(tmp_path / "bob", "t", "Cars are quiet.", "")

    found = error(tmp_path)

    assert "differs from that of alice/t.ann" in found.message


def test_two_files_with_one_annotators_labels_on_a_thread_are_refused(tmp_path):
    pair(tmp_path / "alice", "t", "Cars are loud.", "")
    pair(tmp_path / "bob", "t", "Cars are loud.", "")

    found = error(tmp_path, annotator="carol")

    assert "two files bring 'carol''s labels" in found.message.replace('"', "'")


def test_gold_without_a_reviewer_is_refused_naming_the_line(tmp_path):
    pair(tmp_path / "gold", "t", "Cars are loud.", "T1\tClaim 0 4\tCars\n")

    found = error(tmp_path)

    assert (found.file, found.line) == (str(tmp_path / "gold" / "t.ann"), 1)
    assert "needs the reviewer who settled it" in found.message


def test_an_ann_holding_a_nul_character_is_refused_naming_the_line(tmp_path):
    pair(tmp_path, "t", "Cars are loud.", "T1\tClaim 0 4\tCars\n#1\tAnnotatorNotes T1\ta\x00b\n")

    found = error(tmp_path)

    assert (found.file, found.line) == (str(tmp_path / "t.ann"), 2)
    assert "NUL character" in found.message


def test_a_txt_holding_a_nul_character_is_refused(tmp_path):
    pair(tmp_path, "t", "Cars\x00 are loud.", "")

    found = error(tmp_path)

    assert found.file == str(tmp_path / "t.txt")
    assert '"title" holds a NUL character' in found.message


def test_two_files_with_gold_labels_on_a_thread_are_refused(tmp_path):
    pair(tmp_path / "alice", "t", "Cars are loud.", "")
    pair(tmp_path / "bob", "t", "Cars are loud.", "")

    found = error(tmp_path, annotator="victor", as_gold=True)

    assert "two files bring gold labels on thread 't'" in found.message
