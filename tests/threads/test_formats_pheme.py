"""RumourEval / PHEME thread folders: the tree, the tweets, deleted tweets, the labels file."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from threads.formats import detect_format, pheme, read_threads
from threads.formats.pheme.tweets import twitter_time
from threads.formats.records import FormatError, ReadOptions, ThreadRecord

SAMPLES = Path(__file__).parent / "samples" / "pheme"
DATASET = SAMPLES / "semeval2017-task8-dataset"
EVENTS = DATASET / "rumoureval-data"
CHARLIE = EVENTS / "charliehebdo"
NESTED = CHARLIE / "552800070199148544"  # source > r1 > r2, source > r3, source > r4
FLAT = CHARLIE / "552811386259386368"
DELETED = EVENTS / "germanwings-crash" / "580339510883561472"
PHEME_LAYOUT = SAMPLES / "pheme-rnr-dataset"
LABELS = DATASET / "traindev" / "rumoureval-subtaskA-train.json"
SOURCE, R1, R2, R3, R4 = (
    "552800070199148544",
    "552800412347375616",
    "552800581235474432",
    "552800902271164416",
    "552801311920381953",
)


def read(path: Path, **options: Any) -> list[ThreadRecord]:
    return list(pheme.read(path, ReadOptions(**options)))


def one(path: Path, **options: Any) -> ThreadRecord:
    (thread,) = read(path, **options)
    return thread


def read_error(path: Path, **options: Any) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read(path, **options)
    return caught.value


def copied(tmp_path: Path, folder: Path = NESTED) -> Path:
    return Path(shutil.copytree(folder, tmp_path / folder.name))


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(path: Path, value: Any, *, indent: int | None = None) -> Path:
    path.write_text(json.dumps(value, indent=indent), encoding="utf-8")
    return path


def labels_file(tmp_path: Path, labels: Any) -> Path:
    return dump(tmp_path / "labels.json", labels, indent=2)


# --- finding threads -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [SAMPLES, DATASET, CHARLIE, NESTED, NESTED / "structure.json"])
def test_it_detects_thread_folders_and_folders_of_them_as_pheme(path):
    assert detect_format(path) == "pheme"


def test_it_still_detects_a_convokit_folder_as_convokit():
    assert detect_format(Path(__file__).parent / "samples" / "convokit_corpus") == "convokit"


def test_it_reads_every_thread_below_the_event_folders_in_name_order():
    assert [t.id for t in read(EVENTS)] == [
        "552800070199148544",
        "552811386259386368",
        "580339510883561472",
    ]


def test_it_is_read_through_the_package_entry_point():
    assert [t.id for t in read_threads(CHARLIE)] == [SOURCE, "552811386259386368"]


def test_it_names_the_folders_above_a_thread_in_the_article_meta():
    threads = read(SAMPLES)

    assert [t.meta["folder"] for t in threads] == [
        "pheme-rnr-dataset/ferguson/rumours",
        "semeval2017-task8-dataset/rumoureval-data/charliehebdo",
        "semeval2017-task8-dataset/rumoureval-data/charliehebdo",
        "semeval2017-task8-dataset/rumoureval-data/germanwings-crash",
    ]


def test_it_reads_a_single_thread_folder_without_a_folder_in_meta():
    assert "folder" not in one(NESTED).meta


def test_it_refuses_a_folder_without_threads(tmp_path):
    (tmp_path / "charliehebdo").mkdir()

    error = read_error(tmp_path)

    assert error.file == str(tmp_path) and "structure.json" in error.message


# --- the source tweet and its replies ------------------------------------------------------


def test_it_makes_the_source_tweet_the_article():
    thread = one(NESTED)

    assert thread.id == SOURCE
    assert thread.body.startswith("BREAKING: Gunmen open fire at the offices")
    assert thread.title == thread.body
    assert thread.author == "WorldNewsDesk"
    assert thread.url == f"https://twitter.com/WorldNewsDesk/status/{SOURCE}"
    assert thread.created_at == datetime(2015, 1, 7, 11, 21, 4, tzinfo=UTC)


def test_it_keeps_the_text_exactly_with_its_entities_and_line_breaks():
    thread = one(NESTED)
    texts = {c.id: c.text for c in thread.comments}

    assert "Paris &amp; at least 11 dead" in thread.body
    assert texts[R3] == "@WorldNewsDesk this is horrific 😢\nthoughts with everyone in Paris"


def test_it_titles_a_thread_with_the_first_line_of_the_source_tweet(tmp_path):
    folder = copied(tmp_path)
    source = folder / "source-tweet" / f"{SOURCE}.json"
    dump(source, {**load(source), "text": "\n  First line  \nsecond line"})

    assert one(folder).title == "First line"


def test_it_nests_the_replies_as_structure_json_says():
    thread = one(NESTED)

    assert {c.id: c.parent_id for c in thread.comments} == {R1: None, R2: R1, R3: None, R4: None}


def test_it_orders_replies_as_they_were_posted_whatever_the_file_order():
    # structure.json lists 552812030939205632 before 552811791424258048
    assert [c.id for c in one(FLAT).comments] == ["552811791424258048", "552812030939205632"]


def test_it_takes_the_author_and_time_of_each_reply():
    comment = next(c for c in one(NESTED).comments if c.id == R2)

    assert comment.author == "tomwrites"
    assert comment.created_at == datetime(2015, 1, 7, 11, 23, 5, tzinfo=UTC)


def test_it_keeps_the_rest_of_a_reply_in_meta():
    comment = next(c for c in one(NESTED).comments if c.id == R2)

    for became_a_field in ("id", "id_str", "text", "created_at", "in_reply_to_status_id_str"):
        assert became_a_field not in comment.meta
    assert "in_reply_to_status_id" not in comment.meta
    assert comment.meta["in_reply_to_screen_name"] == "annie_m"
    assert comment.meta["entities"]["user_mentions"][0]["screen_name"] == "annie_m"
    assert comment.meta["user"]["name"] == "Tom 🖋"
    assert "screen_name" not in comment.meta["user"]
    json.dumps(comment.meta)  # JSON-able as it is


def test_it_keeps_what_the_source_tweet_replies_to_in_meta():
    assert one(NESTED).meta["in_reply_to_status_id_str"] is None


def test_it_takes_full_text_over_text(tmp_path):
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R3}.json"
    dump(reply, {**load(reply), "full_text": "The whole tweet, past 140 characters"})

    comment = next(c for c in one(folder).comments if c.id == R3)

    assert comment.text == "The whole tweet, past 140 characters"
    assert comment.meta["text"].startswith("@WorldNewsDesk this is horrific")


def test_it_reads_phemes_own_folder_names_and_the_source_again_among_the_reactions():
    options = ReadOptions()
    (thread,) = pheme.read(PHEME_LAYOUT, options)

    assert thread.id == "500378223977721856"
    assert [c.id for c in thread.comments] == ["500378584629526529"]
    assert not any(options.counts.values())


def test_it_reads_a_thread_without_replies(tmp_path):
    folder = copied(tmp_path)
    shutil.rmtree(folder / "replies")
    dump(folder / "structure.json", {SOURCE: []})

    assert one(folder).comments == []


# --- deleted tweets ------------------------------------------------------------------------


def test_it_leaves_out_a_deleted_reply_chain():
    thread = one(DELETED)

    # 580340104138534912 was deleted: its replies 580340391867351040 > 580340611879903232
    # go with it; 580341262400839681, a deleted reply to 580339905643102208, leaves no trace.
    assert [(c.id, c.parent_id) for c in thread.comments] == [
        ("580339905643102208", None),
        ("580341050281869312", None),
    ]


def test_it_counts_the_deleted_tweets_and_the_replies_left_out_with_them():
    options = ReadOptions()
    list(pheme.read(DELETED, options))

    assert options.counts["deleted tweets left out"] == 2
    assert options.counts["replies to deleted tweets left out"] == 2


def test_it_leaves_out_and_counts_reply_files_structure_json_does_not_name(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {SOURCE: {R1: [], R3: [], R4: []}})
    options = ReadOptions()

    (thread,) = pheme.read(folder, options)

    assert R2 not in {c.id for c in thread.comments}
    assert options.counts["reply files not in structure.json left out"] == 1


# --- bad structure.json --------------------------------------------------------------------


def test_it_refuses_a_structure_with_two_roots(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {SOURCE: {R1: []}, R3: []})

    error = read_error(folder)

    assert error.file == str(folder / "structure.json")
    assert "not a tree: 2 roots" in error.message


def test_it_refuses_a_structure_that_is_not_an_object(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", [SOURCE, R1])

    assert "not a tree" in read_error(folder).message


def test_it_refuses_a_structure_whose_leaf_is_not_an_empty_list(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {SOURCE: {R1: [R2], R3: [], R4: []}}, indent=2)

    error = read_error(folder)

    assert error.line == 3
    assert f"the replies of {R1!r} are a list" in error.message


def test_it_refuses_a_structure_with_a_tweet_in_two_branches(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {SOURCE: {R1: {R2: []}, R3: {R2: []}, R4: []}}, indent=2)

    error = read_error(folder)

    assert error.message == f"not a tree: tweet {R2!r} is in it twice"
    assert error.line == 7
    assert error.record == SOURCE


def test_it_refuses_a_structure_with_a_tweet_twice_in_one_object(tmp_path):
    folder = copied(tmp_path)
    (folder / "structure.json").write_text(
        f'{{"{SOURCE}": {{\n"{R1}": [],\n"{R3}": [],\n"{R1}": []\n}}}}', encoding="utf-8"
    )

    error = read_error(folder)

    assert error.message == f"not a tree: tweet {R1!r} is in it twice"
    assert error.line == 4


def test_it_refuses_an_id_that_is_not_digits(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {SOURCE: {R1: {"t1_abc": []}}})

    assert "'t1_abc' is not a tweet id" in read_error(folder).message


def test_it_refuses_invalid_json_naming_the_file_and_line(tmp_path):
    folder = copied(tmp_path)
    (folder / "structure.json").write_text(f'{{"{SOURCE}":\n {{"{R1}": [],}}}}', encoding="utf-8")

    error = read_error(folder)

    assert (error.file, error.line) == (str(folder / "structure.json"), 2)
    assert error.message.startswith("invalid JSON")


# --- bad tweets ----------------------------------------------------------------------------


def test_it_refuses_a_reply_whose_in_reply_to_disagrees_with_the_structure(tmp_path):
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R2}.json"
    dump(reply, {**load(reply), "in_reply_to_status_id_str": R3}, indent=1)

    error = read_error(folder)

    assert error.file == str(reply)
    lines = reply.read_text(encoding="utf-8").splitlines()
    assert error.line == 1 + next(
        n for n, x in enumerate(lines) if '"in_reply_to_status_id_str"' in x
    )
    assert error.message == (
        f"tweet {R2}: in_reply_to_status_id_str is {R3!r}, but structure.json puts it under {R1}"
    )


def test_it_places_a_reply_whose_parent_is_not_in_the_thread_by_the_structure(tmp_path):
    # As in a public RumourEval-format thread: a self-reply to a tweet the corpus never had.
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R2}.json"
    dump(reply, {**load(reply), "in_reply_to_status_id_str": "1"}, indent=1)
    options = ReadOptions()

    (thread,) = pheme.read(folder, options)
    comment = next(c for c in thread.comments if c.id == R2)

    assert comment.parent_id == R1
    assert comment.meta["in_reply_to_status_id_str"] == "1"
    assert (
        options.counts[
            "replies placed by structure.json (in_reply_to names a tweet not in the thread)"
        ]
        == 1
    )


def test_it_refuses_a_top_level_reply_that_replies_to_nothing(tmp_path):
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R1}.json"
    dump(reply, {**load(reply), "in_reply_to_status_id_str": None, "in_reply_to_status_id": None})

    assert "in_reply_to_status_id_str is null" in read_error(folder).message


def test_it_refuses_a_reply_file_holding_another_tweet(tmp_path):
    folder = copied(tmp_path)
    shutil.copy(folder / "replies" / f"{R3}.json", folder / "replies" / f"{R4}.json")

    error = read_error(folder)

    assert error.file == str(folder / "replies" / f"{R4}.json")
    assert f"the tweet's id is {R3!r}" in error.message


def test_it_refuses_a_thread_whose_source_tweet_is_missing(tmp_path):
    folder = copied(tmp_path)
    (folder / "source-tweet" / f"{SOURCE}.json").unlink()

    error = read_error(folder)

    assert error.file == str(folder / "source-tweet")
    assert f"no {SOURCE}.json" in error.message


def test_it_refuses_a_source_tweet_that_is_not_the_root_of_the_structure(tmp_path):
    folder = copied(tmp_path)
    dump(folder / "structure.json", {R1: {R2: []}})

    assert f"structure.json's root, the source tweet, is {R1}" in read_error(folder).message


def test_it_refuses_a_created_at_twitter_does_not_write(tmp_path):
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R4}.json"
    dump(reply, {**load(reply), "created_at": "2015-01-07T11:26:00Z"})

    error = read_error(folder)

    assert error.file == str(reply)
    assert "'Sun Dec 14 23:43:23 +0000 2014'" in error.message


def test_it_refuses_a_nul_character_in_a_tweet(tmp_path):
    folder = copied(tmp_path)
    reply = folder / "replies" / f"{R4}.json"
    dump(reply, {**load(reply), "text": "null\u0000byte"})

    error = read_error(folder)

    assert error.file == str(reply) and "NUL" in error.message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Sun Dec 14 23:43:23 +0000 2014", datetime(2014, 12, 14, 23, 43, 23, tzinfo=UTC)),
        (
            "Wed Jan 07 11:21:04 -0500 2015",
            datetime(2015, 1, 7, 11, 21, 4, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_it_reads_twitter_times(written, expected):
    assert twitter_time(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Sun Dec 14 23:43:23 2014",
        "Sun Foo 14 23:43:23 +0000 2014",
        "Sun Dec 32 1:2 +0000 2014",
        1418600603,
    ],
)
def test_it_refuses_what_is_no_twitter_time(written):
    with pytest.raises(ValueError):
        twitter_time(written)


# --- the labels file -----------------------------------------------------------------------


def test_it_makes_the_labels_of_replies_reply_labels_toward_the_root():
    thread = one(NESTED, labels=LABELS, annotator="rumoureval")

    assert thread.gold is None
    assert thread.annotations == {
        "claims": [],
        "reply_labels": [
            {"annotator": "rumoureval", "comment_id": R1, "label": "query", "toward": "root"},
            {"annotator": "rumoureval", "comment_id": R2, "label": "support", "toward": "root"},
            {"annotator": "rumoureval", "comment_id": R3, "label": "comment", "toward": "root"},
            {"annotator": "rumoureval", "comment_id": R4, "label": "deny", "toward": "root"},
        ],
    }


def test_it_puts_the_source_tweets_own_label_in_the_article_meta():
    assert one(NESTED, labels=LABELS, annotator="rumoureval").meta["label"] == "support"


def test_it_makes_the_labels_gold_settled_by_the_annotator():
    thread = one(FLAT, labels=LABELS, annotator="victor", as_gold=True)

    assert thread.annotations is None
    assert thread.gold == {
        "claims": [],
        "reply_labels": [
            {
                "annotator": "victor",
                "comment_id": "552812030939205632",
                "label": "support",
                "toward": "root",
                "settled_by": "victor",
                "source": None,
            }
        ],
    }


def test_it_counts_the_replies_the_labels_file_leaves_unlabelled():
    options = ReadOptions(labels=LABELS, annotator="rumoureval")
    list(pheme.read(FLAT, options))

    assert options.counts["replies without a label in the labels file"] == 1


def test_it_ignores_the_labels_of_tweets_not_in_the_import():
    # The file labels deleted tweets and tweets of threads elsewhere: nothing names them.
    thread = one(DELETED, labels=LABELS, annotator="rumoureval")

    assert [lbl["comment_id"] for lbl in thread.annotations["reply_labels"]] == [
        "580339905643102208",
        "580341050281869312",
    ]


def test_it_reads_the_rumoureval_2019_nesting(tmp_path):
    nested = labels_file(
        tmp_path, {"subtaskaenglish": {R1: "deny"}, "subtaskbenglish": {SOURCE: "true"}}
    )

    thread = one(NESTED, labels=nested, annotator="rumoureval")

    assert [(x["comment_id"], x["label"]) for x in thread.annotations["reply_labels"]] == [
        (R1, "deny")
    ]


def test_it_refuses_an_unknown_label_naming_the_file_line_and_tweet(tmp_path):
    path = labels_file(tmp_path, {R1: "query", R2: "agree", R3: "comment"})

    error = read_error(NESTED, labels=path, annotator="rumoureval")

    assert (error.file, error.line) == (str(path), 3)
    assert error.message == (
        f"tweet {R2!r}: 'agree' is not a reply label of the corpus"
        " (it has: comment, deny, query, support)"
    )


def test_it_checks_the_labels_against_the_corpus_reply_labels(tmp_path):
    path = labels_file(tmp_path, {R1: "agree"})

    thread = one(
        NESTED, labels=path, annotator="rumoureval", reply_labels=frozenset({"agree", "disagree"})
    )

    assert thread.annotations["reply_labels"][0]["label"] == "agree"


def test_it_refuses_a_label_that_is_not_a_string(tmp_path):
    path = labels_file(tmp_path, {R1: 1})

    assert "tweet '552800412347375616': a number is not a reply label" in str(
        read_error(NESTED, labels=path, annotator="rumoureval")
    )


def test_it_refuses_a_labels_file_that_is_not_an_object(tmp_path):
    path = labels_file(tmp_path, [[R1, "query"]])

    error = read_error(NESTED, labels=path, annotator="rumoureval")

    assert error.file == str(path) and "expected one JSON object" in error.message


def test_it_refuses_a_missing_labels_file(tmp_path):
    error = read_error(NESTED, labels=tmp_path / "nope.json", annotator="rumoureval")

    assert (error.file, error.message) == (str(tmp_path / "nope.json"), "no such file")


def test_it_refuses_labels_without_an_annotator():
    assert "--labels needs --annotator NAME" in read_error(NESTED, labels=LABELS).message


def test_it_refuses_gold_without_labels():
    assert "--labels FILE" in read_error(NESTED, annotator="victor", as_gold=True).message


def test_it_reads_a_file_longer_than_one_read(tmp_path):
    folder = copied(tmp_path)
    structure = load(folder / "structure.json")
    (folder / "structure.json").write_text(json.dumps(structure) + " " * 200_000, encoding="utf-8")

    assert len(one(folder).comments) == 4


def test_it_refuses_an_empty_tweet_file(tmp_path):
    folder = copied(tmp_path)
    (folder / "replies" / f"{R4}.json").write_bytes(b"")

    error = read_error(folder)

    assert error.file == str(folder / "replies" / f"{R4}.json")
    assert error.message == "the file is empty; expected JSON"


def test_it_refuses_a_labels_file_with_a_format_that_takes_none():
    jsonl = Path(__file__).parent / "samples" / "threads.jsonl"

    with pytest.raises(FormatError) as caught:
        read_threads(jsonl, options=ReadOptions(labels=LABELS, annotator="rumoureval"))

    assert caught.value.file == str(jsonl) and "jsonl files carry their own" in str(caught.value)
