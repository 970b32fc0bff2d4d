"""brat standoff, reading: pairs and post maps into threads with claims (pure, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.threads.brat_files import SAMPLES, pair
from threads.formats import ReadOptions, detect_format, read_threads
from threads.formats.records import ThreadRecord


def read(path: Path, **options) -> tuple[list[ThreadRecord], ReadOptions]:
    opts = ReadOptions(**options)
    return list(read_threads(path, fmt="brat", options=opts)), opts


def only(path: Path, **options) -> ThreadRecord:
    threads, _ = read(path, **options)
    assert len(threads) == 1
    return threads[0]


def claims(thread: ThreadRecord) -> dict[str, dict]:
    """The thread's claims by their T id."""
    assert thread.annotations is not None
    return {c["id"].rsplit(":", 1)[1]: c for c in thread.annotations["claims"]}


# --- a plain pair: one article ---------------------------------------------------------------


def test_a_plain_pair_is_one_article_titled_by_its_first_line():
    thread = only(SAMPLES / "plain")

    assert thread.id == "essay01"
    assert thread.title == "Why cities should ban cars"
    assert thread.body == (SAMPLES / "plain" / "essay01.txt").read_text(encoding="utf-8")
    assert thread.comments == []


def test_each_span_becomes_a_claim_of_its_brat_type_on_the_article():
    found = claims(only(SAMPLES / "plain"))

    assert [(c["claim_type"], c["start"], c["end"]) for c in found.values()] == [
        ("MajorClaim", 4, 26),
        ("Claim", 28, 69),
        ("Premise", 131, 184),
    ]
    assert all(c["comment_id"] is None for c in found.values())


def test_a_quote_whose_line_break_brat_wrote_as_a_space_matches_and_the_text_keeps_it():
    premise = claims(only(SAMPLES / "plain"))["T3"]

    assert premise["text"] == "shops lose nothing,\nsince most customers already walk"


def test_the_stance_attribute_sets_the_stance_and_other_attributes_are_kept():
    found = claims(only(SAMPLES / "plain"))

    assert found["T2"]["stance"] == "support"
    assert found["T2"]["attributes"] == {"Type1": "evaluation_rational"}
    assert found["T3"]["attributes"] == {"Type1": "logos", "Hypothetical": "true"}


def test_a_span_without_a_stance_attribute_is_neutral_toward_the_thesis():
    major = claims(only(SAMPLES / "plain"))["T1"]

    assert (major["stance"], major["stance_target"]) == ("neutral", "thesis")


def test_the_stance_attribute_option_names_the_attribute_that_holds_the_stance(tmp_path):
    ann = "T1\tClaim 0 4\tCars\nA1\tPosition T1 oppose\nA2\tStance T1 kept\n"
    pair(tmp_path / "ann", "t", "Cars are loud.", ann)

    claim = claims(only(tmp_path / "ann", stance_attribute="Position"))["T1"]

    assert claim["stance"] == "oppose"
    assert claim["attributes"] == {"Stance": "kept"}


def test_a_relation_becomes_a_typed_relation_of_its_first_spans_claim():
    found = claims(only(SAMPLES / "plain"))

    assert found["T3"]["relations"] == [{"type": "support", "claim": found["T2"]["id"]}]
    assert found["T2"]["relations"] == [{"type": "support", "claim": found["T1"]["id"]}]
    assert found["T1"]["relations"] == []


def test_notes_become_the_claims_note_one_line_each(tmp_path):
    ann = (
        "T1\tClaim 0 4\tCars\n#1\tAnnotatorNotes T1\tfirst line\n"
        "#2\tAnnotatorNotes T1\tsecond\tline\n"
    )
    pair(tmp_path / "ann", "t", "Cars are loud.", ann)

    assert claims(only(tmp_path / "ann"))["T1"]["note"] == "first line\nsecond\tline"


def test_stance_targets_come_from_the_stance_target_attribute_or_relation(tmp_path):
    text = "Title\nCars are loud.\nBikes are not."
    ann = (
        "T1\tClaim 6 20\tCars are loud.\nT2\tClaim 21 35\tBikes are not.\n"
        "R1\tStanceTarget Arg1:T2 Arg2:T1\nA1\tStanceTarget T1 thesis\n"
    )
    pair(tmp_path / "a", "t", text, ann, "Title 0 5\nContent t x 6 20\nContent c1 y 21 35\n")

    found = claims(only(tmp_path / "a"))

    assert found["T1"]["stance_target"] == "thesis"
    assert found["T2"]["stance_target"] == {"claim": found["T1"]["id"]}
    assert found["T2"]["relations"] == []  # a stance target, not a relation


# --- whose labels ----------------------------------------------------------------------------


def test_the_labels_are_the_annotators_whose_folder_holds_the_pair():
    thread = only(SAMPLES / "cmv")

    assert {c["annotator"] for c in thread.annotations["claims"]} == {"cmv"}
    assert thread.gold == {"claims": [], "reply_labels": []}


def test_the_annotator_option_names_whose_labels_they_are():
    thread = only(SAMPLES / "cmv", annotator="hidey")

    assert {c["annotator"] for c in thread.annotations["claims"]} == {"hidey"}


def test_as_gold_makes_them_gold_settled_by_the_annotator():
    thread = only(SAMPLES / "cmv", annotator="victor", as_gold=True)

    assert thread.annotations["claims"] == []
    assert {(c["settled_by"], c["source"]) for c in thread.gold["claims"]} == {("victor", None)}


def test_pairs_of_one_name_in_annotators_folders_are_one_thread_with_each_ones_labels(tmp_path):
    text = "Cars are loud."
    pair(tmp_path / "alice", "t", text, "T1\tClaim 0 4\tCars\n")
    pair(tmp_path / "bob", "t", text, "T1\tClaim 5 8\tare\nA1\tStance T1 oppose\n")
    pair(
        tmp_path / "gold",
        "t",
        text,
        "T1\tClaim 0 4\tCars\n",
        "Content t 0 14\nGold T1 victor alice\n",
    )

    thread = only(tmp_path)

    assert [(c["annotator"], c["text"]) for c in thread.annotations["claims"]] == [
        ("alice", "Cars"),
        ("bob", "are"),
    ]
    gold = thread.gold["claims"]
    assert [(c["annotator"], c["settled_by"], c["source"]) for c in gold] == [
        ("victor", "victor", "alice")
    ]


# --- a post map: a thread --------------------------------------------------------------------


def test_a_post_map_makes_the_first_post_the_article_and_each_later_post_a_reply():
    thread = only(SAMPLES / "cmv")

    assert thread.id == "t3_5xcmv"
    assert thread.title == "CMV: Cities should ban cars from their centres."
    assert thread.author == "OP_writer"
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("t1_dk1", None, "skeptic_42"),
        ("t1_dk2", "t1_dk1", "OP_writer"),
        ("t1_dk3", "t1_dk2", "skeptic_42"),
    ]
    assert thread.comments[0].text == (
        "I disagree. Delivery vans still need access,\nand older people depend on cars."
    )


def test_the_article_body_runs_from_the_start_so_a_span_on_the_title_stays_in_it():
    thread = only(SAMPLES / "cmv")
    major = claims(thread)["T1"]

    assert thread.body.startswith("CMV: Cities should ban cars")
    assert thread.body.endswith("back to people on foot.")
    assert (major["comment_id"], major["start"], major["end"]) == (None, 5, 46)
    assert major["text"] == "Cities should ban cars from their centres"


def test_spans_in_a_post_are_rebased_onto_its_comment_and_target_their_parent():
    found = claims(only(SAMPLES / "cmv"))

    vans = found["T4"]
    assert (vans["comment_id"], vans["start"], vans["end"]) == ("t1_dk1", 12, 43)
    assert vans["stance_target"] == "parent"
    assert vans["note"] == "Concedes nothing yet."
    assert vans["relations"] == [{"type": "attack", "claim": found["T1"]["id"]}]


def test_reply_lines_nest_comments_and_reply_label_lines_label_them(tmp_path):
    text = "T\nBody.\nOne.\nTwo."
    metadata = (
        "Title 0 1\nContent t x 2 7\nContent c1 y 8 12\nContent c2 z 13 17\n"
        "Reply c2 t\nReplyLabel c1 parent deny\n"
    )
    pair(tmp_path / "alice", "t", text, "", metadata)

    thread = only(tmp_path)

    assert [(c.id, c.parent_id) for c in thread.comments] == [("c1", None), ("c2", None)]
    assert thread.annotations["reply_labels"] == [
        {"annotator": "alice", "comment_id": "c1", "label": "deny", "toward": "parent"}
    ]


def test_an_author_of_several_words_is_read_whole(tmp_path):
    pair(tmp_path / "a", "t", "Body.", "", "Content t Jane Q. Public 0 5\n")

    assert only(tmp_path / "a").author == "Jane Q. Public"


# --- offsets: code points or UTF-8 bytes -----------------------------------------------------


def test_a_file_whose_quotes_only_match_as_utf8_bytes_is_read_in_bytes_and_counted():
    threads, options = read(SAMPLES / "bytes")
    found = claims(threads[0])

    assert found["T1"]["text"] == "Le café 🙂 is overrated"
    assert found["T2"]["text"] == "the same bitter espresso 😖 for five francs"
    assert found["T3"]["text"] == "good cafés roast their own beans ☕ and it shows"
    assert options.counts["byte-offset files"] == 1


def test_a_byte_offset_post_map_is_converted_and_a_post_ending_past_the_text_clamped():
    thread = only(SAMPLES / "bytes")

    assert thread.title == "CMV: Le café 🙂 is overrated."
    assert (
        thread.comments[0].text == "Naïve take: good cafés roast their own beans ☕ and it shows."
    )
    assert claims(thread)["T3"]["comment_id"] == "t1_cafe1"


def test_a_file_whose_quotes_match_as_code_points_is_not_counted_as_bytes(tmp_path):
    pair(tmp_path / "a", "t", "Café 🙂 crème brûlée.", "T1\tClaim 7 19\tcrème brûlée\n")

    threads, options = read(tmp_path / "a")

    assert claims(threads[0])["T1"]["text"] == "crème brûlée"
    assert options.counts["byte-offset files"] == 0


# --- files and names -------------------------------------------------------------------------


def test_a_txt_of_a_pair_reads_the_pair():
    assert only(SAMPLES / "plain" / "essay01.txt").id == "essay01"


def test_detect_format_knows_an_ann_file_and_a_folder_of_pairs(tmp_path):
    (tmp_path / "utterances.jsonl").write_text("", encoding="utf-8")

    assert detect_format(SAMPLES / "plain" / "essay01.ann") == "brat"
    assert detect_format(SAMPLES) == "brat"
    assert detect_format(tmp_path) == "convokit"


def test_a_txt_without_an_ann_in_a_folder_is_left_out_and_counted(tmp_path):
    pair(tmp_path, "t", "Cars.", "")
    (tmp_path / "README.txt").write_text("About this corpus.", encoding="utf-8")

    threads, options = read(tmp_path)

    assert [t.id for t in threads] == ["t"]
    assert options.counts["brat .txt files without an .ann, left out"] == 1


@pytest.mark.parametrize(("name", "thread_id"), [("a%2Fb", "a/b"), ("100%25", "100%")])
def test_a_file_name_gives_the_thread_id_with_slash_and_percent_decoded(tmp_path, name, thread_id):
    pair(tmp_path, name, "Cars.", "")

    assert only(tmp_path).id == thread_id


def test_the_files_macos_adds_to_a_zip_are_not_read(tmp_path):
    pair(tmp_path / "alice", "t", "Cars.", "")
    pair(tmp_path / "__MACOSX" / "alice", "._t", "\x00\x05", "\x00\x07")
    (tmp_path / "alice" / "._t.ann").write_bytes(b"\x00\x05\x16\x07")

    threads, _ = read(tmp_path)

    assert [t.id for t in threads] == ["t"]
