"""Label Studio JSON exports: tasks to threads, results to claims, offsets in either unit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from threads.formats import detect_format, labelstudio, read_threads
from threads.formats.labelstudio.offsets import TextOffsets
from threads.formats.records import FormatError, ReadOptions, ThreadRecord
from threads.formats.tree import order_comments

SAMPLES = Path(__file__).parent / "samples" / "labelstudio"
PLAIN = SAMPLES / "plain.json"
EMOJI = SAMPLES / "emoji_utf16.json"
THREAD = SAMPLES / "thread.json"
TEXT = "Great news 🎉🎉 for everyone! The talks 🤝 in Moscow will fail."


def read(path: Path, options: ReadOptions | None = None) -> list[ThreadRecord]:
    return list(read_threads(path, fmt="labelstudio", options=options or ReadOptions()))


def by_id(path: Path, options: ReadOptions | None = None) -> dict[str, ThreadRecord]:
    return {t.id: t for t in read(path, options)}


def claims(thread: ThreadRecord) -> dict[str, dict[str, Any]]:
    assert thread.annotations is not None
    return {c["id"]: c for c in thread.annotations["claims"]}


def utf16(text: str, index: int) -> int:
    return index + sum(1 for char in text[:index] if char > "\uffff")


def region(rid: str, quote: str, labels: list[str] | None = None, **value: Any) -> dict[str, Any]:
    start = TEXT.index(quote)
    return {
        "id": rid,
        "type": "labels",
        "from_name": "label",
        "to_name": "text",
        "value": {
            "start": start,
            "end": start + len(quote),
            "text": quote,
            "labels": labels or ["claim"],
            **value,
        },
    }


def choices(rid: str | None, from_name: str, values: list[str], **value: Any) -> dict[str, Any]:
    result = {"type": "choices", "from_name": from_name, "value": {"choices": values, **value}}
    return {**result, "id": rid} if rid else result


def export(tmp_path: Path, *results: dict[str, Any], tasks: list[Any] | None = None) -> Path:
    """A file of one task on TEXT whose one annotation (by user 2) has ``results``."""
    if tasks is None:
        annotation = {"id": 1, "completed_by": 2, "result": list(results)}
        tasks = [{"id": 9, "data": {"text": TEXT}, "annotations": [annotation]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def error(path: Path, options: ReadOptions | None = None) -> str:
    with pytest.raises(FormatError) as caught:
        read(path, options)
    return str(caught.value)


# --- tasks to threads ----------------------------------------------------------------------


def test_it_reads_each_task_without_a_thread_id_as_an_article():
    threads = read(PLAIN)
    assert [(t.id, t.title, t.comments) for t in threads] == [
        ("101", "Putin visits Israel", []),
        ("102", "Label Studio task 102", []),
    ]
    assert threads[0].body.startswith("Putin's trip comes amidst")


def test_it_keeps_the_other_data_keys_and_the_task_id_in_meta():
    thread = by_id(PLAIN)["101"]
    assert thread.meta["source"] == "op-ed"
    assert thread.meta["labelstudio_task_id"] == 101


def test_it_makes_comments_of_the_tasks_naming_a_thread():
    thread = by_id(THREAD)["t1"]
    assert (thread.title, thread.author, thread.url) == (
        "Putin visits Israel",
        "editor",
        "https://example.org/t1",
    )
    assert [(c.id, c.parent_id, c.author) for c in thread.comments] == [
        ("c2", "c1", "dan"),
        ("c1", None, "marat"),
        ("c3", None, "sara"),  # its parent_id is the thread's id: it answers the article
    ]


def test_it_orders_a_threads_comments_by_their_parents():
    ordered = order_comments(by_id(THREAD)["t1"]).comments
    assert [(c.id, c.depth) for c in ordered] == [("c1", 0), ("c2", 1), ("c3", 0)]


def test_it_keeps_a_comments_time_and_other_data():
    comment = next(c for c in by_id(THREAD)["t1"].comments if c.id == "c1")
    assert comment.created_at is not None and comment.created_at.isoformat().startswith("2012")
    assert comment.meta == {"score": 12, "labelstudio_task_id": 301}


def test_it_reads_a_task_without_a_thread_id_beside_a_thread():
    assert by_id(THREAD)["t2"].body == "On its own."


def test_it_refuses_a_thread_without_its_article_task(tmp_path):
    tasks = [{"id": 1, "data": {"text": "x", "thread_id": "t9"}, "annotations": []}]
    message = error(export(tmp_path, tasks=tasks))
    assert "line 2" in message
    assert "thread 't9'" in message and "no task whose id is 't9'" in message


def test_it_refuses_two_tasks_with_one_id_in_a_thread(tmp_path):
    tasks = [
        {"id": 1, "data": {"text": "a", "id": "x"}, "annotations": []},
        {"id": 2, "data": {"text": "b", "id": "x"}, "annotations": []},
    ]
    message = error(export(tmp_path, tasks=tasks))
    assert "task 2 has the id 'x' of task 1" in message


def test_it_refuses_a_task_without_a_text(tmp_path):
    tasks = [{"id": 5, "data": {"image": "https://example.org/a.png"}, "annotations": []}]
    assert 'task 5: "data.text" must be a string' in error(export(tmp_path, tasks=tasks))


def test_it_reads_the_completions_of_an_old_export(tmp_path):
    tasks = [{"id": 9, "data": {"text": TEXT}, "completions": [{"id": 1, "result": []}]}]
    path = export(tmp_path, tasks=tasks)
    tasks[0]["completions"][0]["result"] = [region("r", "everyone")]
    tasks[0]["completions"][0]["completed_by"] = 4
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert list(claims(read(path)[0])) == ["9/1/r"]


# --- results to labels ---------------------------------------------------------------------


def test_it_makes_a_claim_of_each_labelled_region():
    found = claims(by_id(PLAIN)["101"])
    claim = found["101/1/Rk3aQ9"]
    assert claim["text"] == "Israel should keep talking to Moscow"
    assert (claim["claim_type"], claim["comment_id"], claim["annotator"]) == (
        "claim",
        None,
        "labelstudio-2",
    )
    assert claim["created_at"] == "2024-05-02T10:15:30.123456Z"


def test_it_takes_a_per_region_choice_as_the_stance():
    found = claims(by_id(PLAIN)["101"])
    assert found["101/1/Rk3aQ9"]["stance"] == "support"
    assert found["101/2/b7Hn1L"]["stance"] == "oppose"


def test_it_defaults_the_stance_to_neutral_and_the_target_to_the_thesis(tmp_path):
    (claim,) = claims(read(export(tmp_path, region("r", "everyone")))[0]).values()
    assert (claim["stance"], claim["stance_target"]) == ("neutral", "thesis")


def test_it_defaults_a_comments_target_to_its_parent():
    found = claims(by_id(THREAD)["t1"])
    assert found["301/21/x1"]["stance_target"] == "parent"


def test_it_takes_a_stance_target_choice():
    claim = claims(by_id(THREAD)["t1"])["302/22/x2"]
    assert (claim["stance"], claim["stance_target"]) == ("support", "parent")


def test_it_keeps_further_region_choices_as_attributes(tmp_path):
    path = export(
        tmp_path,
        region("r", "everyone"),
        choices("r", "stance", ["oppose"]),
        choices("r", "certainty", ["high", "checked"]),
    )
    (claim,) = claims(read(path)[0]).values()
    assert claim["stance"] == "oppose"
    assert claim["attributes"] == {"certainty": "high, checked"}


def test_it_takes_a_per_region_textarea_as_the_note():
    claim = claims(by_id(PLAIN)["101"])["101/2/b7Hn1L"]
    assert claim["note"] == "the controversial role Russia is playing in Syria"


def test_it_turns_a_relation_into_a_relation_of_the_first_claim():
    found = claims(by_id(PLAIN)["101"])
    assert found["101/1/Zp0xY2"]["relations"] == [{"type": "support", "claim": "101/1/Rk3aQ9"}]
    assert found["101/1/Rk3aQ9"]["relations"] == []


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("left", {"a": [], "b": [{"type": "attack", "claim": "9/1/a"}]}),
        (
            "bi",
            {
                "a": [{"type": "attack", "claim": "9/1/b"}],
                "b": [{"type": "attack", "claim": "9/1/a"}],
            },
        ),
    ],
)
def test_it_follows_a_relations_direction(tmp_path, direction, expected):
    relation = {
        "type": "relation",
        "from_id": "a",
        "to_id": "b",
        "direction": direction,
        "labels": ["attack"],
    }
    path = export(tmp_path, region("a", "everyone"), region("b", "The talks"), relation)
    found = claims(read(path)[0])
    assert {key[-1]: c["relations"] for key, c in found.items()} == expected


def test_it_types_a_relation_without_a_label_as_support(tmp_path):
    relation = {"type": "relation", "from_id": "a", "to_id": "b", "labels": []}
    path = export(tmp_path, region("a", "everyone"), region("b", "The talks"), relation)
    assert claims(read(path)[0])["9/1/a"]["relations"] == [{"type": "support", "claim": "9/1/b"}]


def test_it_makes_a_claim_per_label_of_a_region(tmp_path):
    path = export(tmp_path, region("r", "everyone", ["claim", "premise"]))
    found = claims(read(path)[0])
    assert [(k, c["claim_type"]) for k, c in found.items()] == [
        ("9/1/r", "claim"),
        ("9/1/r/2", "premise"),
    ]


def test_it_merges_two_labels_results_of_one_region(tmp_path):
    path = export(tmp_path, region("r", "everyone"), region("r", "everyone", ["premise"]))
    assert [c["claim_type"] for c in claims(read(path)[0]).values()] == ["claim", "premise"]


def test_it_keeps_a_task_level_choice_in_meta():
    assert by_id(PLAIN)["101"].meta["labelstudio_choices"] == [
        {"annotator": "labelstudio-2", "from_name": "topic", "choices": ["politics"]}
    ]


def test_it_takes_a_reply_label_choice_on_a_comment():
    thread = by_id(THREAD)["t1"]
    assert thread.annotations is not None
    assert thread.annotations["reply_labels"] == [
        {"annotator": "alice", "comment_id": "c2", "label": "support", "toward": "parent"},
        {"annotator": "alice", "comment_id": "c1", "label": "comment", "toward": "parent"},
        {"annotator": "bob@example.org", "comment_id": "c1", "label": "deny", "toward": "parent"},
    ]


def test_it_counts_what_it_leaves_out():
    options = ReadOptions()
    read(PLAIN, options)
    assert options.counts == {
        "Label Studio predictions left out": 1,
        "cancelled Label Studio annotations left out": 1,
        "Label Studio results of type 'rating' left out": 1,
    }


# --- annotators ----------------------------------------------------------------------------


def test_it_names_an_annotator_by_username_else_email():
    thread = by_id(THREAD)["t1"]
    assert {c["annotator"] for c in claims(thread).values()} == {"alice"}
    assert thread.annotations is not None
    assert thread.annotations["reply_labels"][2]["annotator"] == "bob@example.org"


def test_it_gives_every_label_to_the_annotator_named_for_the_import():
    found = claims(by_id(PLAIN, ReadOptions(annotator="mia"))["101"])
    assert {c["annotator"] for c in found.values()} == {"mia"}


def test_it_makes_the_labels_gold_when_asked():
    thread = by_id(PLAIN, ReadOptions(annotator="victor", as_gold=True))["101"]
    assert thread.annotations is None and thread.gold is not None
    claim = thread.gold["claims"][0]
    assert (claim["annotator"], claim["settled_by"], claim["source"]) == ("victor", "victor", None)


def test_it_refuses_an_annotation_of_nobody_without_an_annotator_name(tmp_path):
    tasks = [{"id": 9, "data": {"text": TEXT}, "annotations": [{"id": 3, "result": []}]}]
    message = error(export(tmp_path, tasks=tasks))
    assert "task 9, annotation 3" in message and "--annotator" in message


# --- offsets -------------------------------------------------------------------------------


def test_it_converts_utf16_offsets_and_counts_them():
    options = ReadOptions()
    found = claims(read(EMOJI, options)[0])
    text = read(EMOJI)[0].body
    assert options.counts["regions converted from UTF-16"] == 2
    everyone = found["201/11/e1"]
    assert (everyone["start"], everyone["end"]) == (text.index("everyone"), text.index("!"))


def test_it_keeps_code_point_offsets_as_they_are():
    found = claims(read(EMOJI)[0])
    assert (found["201/12/n1"]["start"], found["201/12/n1"]["end"]) == (
        found["201/11/e2"]["start"],
        found["201/11/e2"]["end"],
    )


def test_it_keeps_emoji_in_quotes_exactly():
    thread = read(EMOJI)[0]
    for claim in claims(thread).values():
        assert thread.body[claim["start"] : claim["end"]] == claim["text"]
    assert claims(thread)["201/12/n2"]["text"] == "👍🏽"


def test_it_names_the_task_annotation_and_region_whose_text_is_at_neither_reading():
    message = error(SAMPLES / "neither.json")
    assert message.startswith(f"{SAMPLES / 'neither.json'}, line 2: task 401, annotation 41:")
    assert "region 'w1'" in message and "code points" in message and "UTF-16" in message


@pytest.mark.parametrize("quote", ["Great", "everyone!", "🤝 in", "fail."])
def test_it_reads_utf16_offsets_of_any_span_back_to_code_points(quote):
    start = TEXT.index(quote)
    end = start + len(quote)
    span = TextOffsets(TEXT).span(utf16(TEXT, start), utf16(TEXT, end), quote)
    assert span == (start, end, start != utf16(TEXT, start) or end != utf16(TEXT, end))


def test_it_refuses_a_span_that_splits_a_surrogate_pair():
    start = utf16(TEXT, TEXT.index("🤝")) + 1  # the pair's second half
    assert TextOffsets(TEXT).span(start, start + 3, " in") is None


# --- bad files -----------------------------------------------------------------------------


def test_it_names_the_line_of_invalid_json():
    message = error(SAMPLES / "bad_json.json")
    assert message.startswith(f"{SAMPLES / 'bad_json.json'}, line 3: invalid JSON")


def test_it_refuses_a_file_that_is_not_a_list():
    message = error(SAMPLES / "not_a_list.json")
    assert "a Label Studio export is a JSON list of tasks" in message
    assert "one task? put it in a list" in message


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "export.json"
    path.write_text("  \n", encoding="utf-8")
    assert "the file is empty" in error(path)


def test_it_refuses_two_stances_for_one_region(tmp_path):
    path = export(tmp_path, region("r", "everyone"), choices("r", "stance", ["support", "oppose"]))
    assert "region 'r': 2 stance choices" in error(path)


def test_it_refuses_choices_for_a_region_without_labels(tmp_path):
    path = export(tmp_path, choices("ghost", "stance", ["support"], start=0, end=3))
    assert "region 'ghost', which has no labels result" in error(path)


def test_it_refuses_a_relation_to_an_unknown_region(tmp_path):
    relation = {"type": "relation", "from_id": "a", "to_id": "zz", "labels": []}
    path = export(tmp_path, region("a", "everyone"), relation)
    assert "'zz' names no labelled region here" in error(path)


def test_it_refuses_a_region_without_labels(tmp_path):
    unlabelled = region("r", "everyone")
    unlabelled["value"]["labels"] = []
    assert """region 'r': "labels" must be a list of one or more names""" in error(
        export(tmp_path, unlabelled)
    )


def test_it_refuses_a_region_id_used_for_two_spans(tmp_path):
    path = export(tmp_path, region("r", "everyone"), region("r", "The talks"))
    assert "region id 'r' is used for two different spans" in error(path)


def test_it_refuses_a_nul_character_naming_the_field(tmp_path):
    tasks = [{"id": 9, "data": {"text": "a\u0000b"}, "annotations": []}]
    assert "NUL" in error(export(tmp_path, tasks=tasks))


# --- which .json is which ------------------------------------------------------------------


def test_it_tells_a_label_studio_export_from_a_reddit_thread():
    assert detect_format(PLAIN) == "labelstudio"
    assert detect_format(THREAD) == "labelstudio"
    assert detect_format(SAMPLES.parent / "reddit_thread.json") == "reddit"
    assert detect_format(SAMPLES.parent / "reddit_comments_flat.json") == "reddit"


def test_it_tells_an_export_whose_first_task_is_long(tmp_path):
    tasks = [{"id": 1, "data": {"text": "x" * 200_000}, "annotations": []}]
    path = export(tmp_path, tasks=tasks)
    assert detect_format(path) == "labelstudio"
    assert len(read(path)[0].body) == 200_000


def test_it_takes_a_lone_task_for_a_label_studio_file():
    assert labelstudio.is_export(SAMPLES / "not_a_list.json")


def test_it_names_both_annotations_when_one_name_gets_two_reply_labels():
    message = error(THREAD, ReadOptions(annotator="mia"))
    assert "task 301, annotation 23: a second reply label by 'mia'" in message
    assert "(annotation 21 gave one)" in message and "every annotation to that one name" in message


def test_the_readme_example_reads_as_the_readme_says(tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("**Label Studio**", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    assert example.count("\n") == 5
    path = tmp_path / "export.json"
    path.write_text(example, encoding="utf-8")
    (thread,) = read(path)
    assert (thread.id, [c.id for c in thread.comments]) == ("7", ["8"])
    (claim,) = claims(thread).values()
    assert (claim["annotator"], claim["stance"], claim["text"]) == (
        "labelstudio-2",
        "support",
        "Israel should talk to Moscow",
    )
