"""The plain-text seed format, and the package's entry points (detect_format, read_threads)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from threads.formats import FORMATS, detect_format, read_threads
from threads.formats.records import FormatError, ThreadRecord
from threads.formats.text import read

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "russia-israel-thread.txt"


def read_one(path: Path) -> ThreadRecord:
    threads = list(read(path))
    assert len(threads) == 1
    return threads[0]


def write(tmp_path: Path, content: str | bytes, name: str = "thread.txt") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_it_reads_the_example_title():
    assert read_one(EXAMPLE).title == "A Growing Russian-Israeli Alliance?"


def test_it_reads_the_example_body_as_11_paragraphs():
    body = read_one(EXAMPLE).body
    assert len(body.split("\n\n")) == 11
    assert body.startswith("Later this month, Russian president Vladimir Putin")
    assert body.endswith("is regarded by many in Israel as a friend.")


def test_it_reads_the_example_as_30_comments_nested_21_6_2_1():
    comments = read_one(EXAMPLE).comments
    assert len(comments) == 30
    assert Counter(c.depth for c in comments) == {0: 21, 1: 6, 2: 2, 3: 1}


def test_it_keeps_line_breaks_in_comments_and_leaves_no_indentation():
    comments = read_one(EXAMPLE).comments
    multi_line = [c for c in comments if "\n" in c.text]
    assert len(multi_line) == 3
    assert multi_line[0].text == (
        "A gutsy article to be sure. It's theme underscores the terrible political fallout"
        " from Obama's abandonment of\nAmerica's traditional allies and friends in the Middle East."
    )
    assert all(not line.startswith((" ", "\t")) for c in comments for line in c.text.split("\n"))


def test_it_names_the_thread_after_the_file():
    assert read_one(EXAMPLE).id == "russia-israel-thread"


def test_it_gives_comments_stable_ids_in_file_order():
    comments = read_one(EXAMPLE).comments
    assert [c.id for c in comments] == [f"c{i}" for i in range(1, 31)]


def test_it_links_replies_to_the_comment_above_them():
    comments = {c.id: c for c in read_one(EXAMPLE).comments}
    assert comments["c12"].parent_id == "c11"
    assert comments["c13"].parent_id == "c11"
    assert comments["c14"].parent_id == "c13"
    assert comments["c15"].parent_id is None
    assert [comments[f"c{i}"].parent_id for i in (24, 25, 26)] == ["c23", "c24", "c25"]


def test_it_records_the_line_each_comment_starts_on():
    comments = read_one(EXAMPLE).comments
    assert comments[0].line == 25


def test_it_lets_top_level_comments_start_at_any_column(tmp_path):
    path = write(tmp_path, "Title\n\nBody.\n\n  top\n\n     reply\n\n  sibling\n")
    thread = read_one(path)
    assert [(c.text, c.depth, c.parent_id) for c in thread.comments] == [
        ("top", 0, None),
        ("reply", 1, "c1"),
        ("sibling", 0, None),
    ]


def test_it_attaches_an_over_indented_reply_one_level_below_its_parent(tmp_path):
    path = write(tmp_path, "Title\n\nBody.\n\n    top\n\n                deep\n")
    deep = read_one(path).comments[1]
    assert (deep.parent_id, deep.depth) == ("c1", 1)


def test_it_closes_deeper_indentations_when_a_paragraph_is_shallower(tmp_path):
    text = "T\n\nB\n\n    a\n\n      b\n\n        c\n\n      d\n\n    e\n"
    comments = read_one(write(tmp_path, text)).comments
    assert [(c.text, c.parent_id, c.depth) for c in comments] == [
        ("a", None, 0),
        ("b", "c1", 1),
        ("c", "c2", 2),
        ("d", "c1", 1),
        ("e", None, 0),
    ]


def test_it_makes_an_in_between_indentation_a_reply_to_the_shallower_level(tmp_path):
    text = "T\n\nB\n\n    a\n\n        b\n\n      c\n"
    c = read_one(write(tmp_path, text)).comments[2]
    assert (c.parent_id, c.depth) == ("c1", 1)


def test_it_makes_an_unindented_paragraph_after_comments_a_top_level_comment(tmp_path):
    text = "T\n\nB\n\n    a\n\n      b\n\nnot indented\n\n    c\n"
    comments = read_one(write(tmp_path, text)).comments
    assert [(c.text, c.depth) for c in comments] == [
        ("a", 0),
        ("b", 1),
        ("not indented", 0),
        ("c", 0),
    ]


def test_it_expands_tabs_in_indentation_to_eight_columns(tmp_path):
    text = "T\n\nB\n\n\ttop\n\n\t\treply\n\n        sibling of top\n"
    comments = read_one(write(tmp_path, text)).comments
    assert [(c.text, c.depth) for c in comments] == [
        ("top", 0),
        ("reply", 1),
        ("sibling of top", 0),
    ]


def test_it_keeps_tabs_inside_the_text(tmp_path):
    comment = read_one(write(tmp_path, "T\n\nB\n\n    a\tb\n")).comments[0]
    assert comment.text == "a\tb"


def test_it_keeps_extra_indentation_of_continuation_lines(tmp_path):
    comment = read_one(write(tmp_path, "T\n\nB\n\n    a\n      b\n")).comments[0]
    assert comment.text == "a\n  b"


def test_it_joins_body_paragraphs_keeping_line_breaks(tmp_path):
    thread = read_one(write(tmp_path, "T\n\none\ntwo\n\n\n\nthree\n\n    c\n"))
    assert thread.body == "one\ntwo\n\nthree"


def test_it_reads_windows_line_endings(tmp_path):
    thread = read_one(write(tmp_path, "T\r\n\r\nBody\r\n\r\n    a\r\n    b\r\n"))
    assert (thread.title, thread.body, thread.comments[0].text) == ("T", "Body", "a\nb")


def test_it_ignores_a_byte_order_mark(tmp_path):
    assert read_one(write(tmp_path, b"\xef\xbb\xbfTitle\n\nBody\n")).title == "Title"


def test_it_reads_a_thread_without_comments(tmp_path):
    thread = read_one(write(tmp_path, "Title\n\nJust a body.\n"))
    assert (thread.body, thread.comments) == ("Just a body.", [])


def test_it_reads_a_thread_without_a_body(tmp_path):
    thread = read_one(write(tmp_path, "Title\n\n    only a comment\n"))
    assert (thread.body, len(thread.comments)) == ("", 1)


def test_it_rejects_an_empty_file_naming_file_and_line(tmp_path):
    path = write(tmp_path, b"")
    with pytest.raises(FormatError, match="empty") as caught:
        read_one(path)
    assert str(caught.value).startswith(f"{path}, line 1:")


def test_it_rejects_a_binary_file_naming_the_line(tmp_path):
    path = write(tmp_path, b"Title\n\nBody\x00\x01\x02")
    with pytest.raises(FormatError, match="binary") as caught:
        read_one(path)
    assert str(caught.value).startswith(f"{path}, line 3:")


def test_it_rejects_bytes_that_are_not_utf8_naming_the_line(tmp_path):
    path = write(tmp_path, b"Title\n\nBody\n\n    caf" + b"\xe9\n")
    with pytest.raises(FormatError, match="not UTF-8") as caught:
        read_one(path)
    assert str(caught.value).startswith(f"{path}, line 5:")


def test_it_rejects_a_file_of_blank_lines_as_having_no_title(tmp_path):
    path = write(tmp_path, "\n   \n\n")
    with pytest.raises(FormatError, match="no title") as caught:
        read_one(path)
    assert caught.value.file == str(path)
    assert caught.value.line == 4


def test_it_rejects_a_file_with_only_a_title_naming_its_line(tmp_path):
    path = write(tmp_path, "\n\nJust a title\n\n")
    with pytest.raises(FormatError, match="only a title") as caught:
        read_one(path)
    assert str(caught.value).startswith(f"{path}, line 3:")


# --- package entry points ----------------------------------------------------------------


def test_it_lists_the_import_formats():
    assert FORMATS == ("text", "jsonl", "convokit", "reddit", "labelstudio")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "text"),
        ("a.jsonl", "jsonl"),
        ("utterances.jsonl", "convokit"),
        ("a.json", "reddit"),
        ("A.TXT", "text"),
    ],
)
def test_it_detects_the_format_from_the_name(name, fmt):
    assert detect_format(Path(name)) == fmt


def test_it_detects_a_folder_as_convokit(tmp_path):
    assert detect_format(tmp_path) == "convokit"


def test_it_rejects_an_unknown_name_listing_the_formats():
    with pytest.raises(FormatError, match="accepted: text") as caught:
        detect_format(Path("thread.xml"))
    assert caught.value.file == "thread.xml"


def test_it_reads_threads_from_a_text_file(tmp_path):
    threads = list(read_threads(write(tmp_path, "T\n\nB\n\n  c\n", name="x.txt")))
    assert [t.id for t in threads] == ["x"]


def test_it_reads_with_an_explicit_format_whatever_the_name(tmp_path):
    threads = list(read_threads(write(tmp_path, "T\n\nB\n", name="x.dump"), fmt="text"))
    assert threads[0].title == "T"


def test_it_reports_a_missing_file(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        read_threads(tmp_path / "nope.txt")


def test_it_rejects_an_unknown_format(tmp_path):
    with pytest.raises(FormatError, match="unknown format 'xml'"):
        read_threads(write(tmp_path, "T\n\nB\n"), fmt="xml")


def test_it_reports_a_folder_given_as_a_text_file(tmp_path):
    with pytest.raises(FormatError, match="cannot read the file") as caught:
        list(read_threads(tmp_path, fmt="text"))
    assert caught.value.file == str(tmp_path)


def test_it_rejects_a_nul_character_in_a_comment_naming_its_line(tmp_path):
    path = write(tmp_path, b"Title\n\nBody\n\n    A comment\n    with a \x00 in it\n")
    with pytest.raises(FormatError, match="NUL") as caught:
        read_one(path)
    assert caught.value.line == 6
