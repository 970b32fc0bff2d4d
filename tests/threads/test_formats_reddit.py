"""Reddit JSON: the API's listing pair and flat lists of comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from threads.formats import read_threads, reddit
from threads.formats.records import FormatError, ThreadRecord
from threads.formats.tree import order_comments

SAMPLES = Path(__file__).parent / "samples"
LISTING = SAMPLES / "reddit_thread.json"
FLAT = SAMPLES / "reddit_comments_flat.json"


def listing_thread() -> ThreadRecord:
    threads = list(reddit.read(LISTING))
    assert len(threads) == 1
    return threads[0]


def write_json(tmp_path: Path, value: Any) -> Path:
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def read_error(path: Path) -> FormatError:
    with pytest.raises(FormatError) as caught:
        list(reddit.read(path))
    return caught.value


def chain(depth: int) -> list[Any]:
    """A listing pair whose comments reply to each other ``depth`` deep."""
    replies: Any = ""
    for level in reversed(range(depth)):
        parent = f"t1_c{level - 1}" if level else "t3_p"
        data = {"id": f"c{level}", "parent_id": parent, "author": "a", "body": f"level {level}"}
        node = {"kind": "t1", "data": {**data, "replies": replies}}
        replies = {"kind": "Listing", "data": {"children": [node]}}
    post = {"kind": "t3", "data": {"id": "p", "title": "Deep", "selftext": ""}}
    return [{"kind": "Listing", "data": {"children": [post]}}, replies]


# --- the listing pair --------------------------------------------------------------------


def test_it_reads_the_post_as_the_article():
    thread = listing_thread()
    assert (thread.id, thread.title, thread.author) == (
        "v9x2kq",
        "A growing Russian-Israeli alliance?",
        "levant_watcher",
    )
    assert thread.body.startswith("Later this month Putin is scheduled")
    assert "\n\nIs a closer" in thread.body
    assert thread.created_at == datetime(2012, 6, 13, 12, tzinfo=UTC)


def test_it_takes_the_post_url_and_keeps_the_permalink_in_meta():
    thread = listing_thread()
    assert (
        thread.url == "https://www.reddit.com/r/geopolitics/comments/v9x2kq/putin_to_visit_israel/"
    )
    assert thread.meta["permalink"] == "/r/geopolitics/comments/v9x2kq/putin_to_visit_israel/"
    assert thread.meta["subreddit"] == "geopolitics"


def test_it_reads_nested_replies_in_display_order():
    comments = listing_thread().comments
    assert [(c.id, c.parent_id) for c in comments] == [
        ("ic4h09", None),
        ("ic4a01", None),
        ("ic4b02", "ic4a01"),
        ("ic4c03", "ic4b02"),
        ("ic4d04", "ic4c03"),
        ("ic4e05", "ic4d04"),
        ("ic4a11", "ic4a01"),
        ("ic4g08", None),
    ]


def test_it_reaches_replies_at_depth_four():
    ordered = order_comments(listing_thread())
    assert max(c.depth or 0 for c in ordered.comments) == 4


def test_it_skips_more_stubs_and_counts_what_they_hold():
    thread = listing_thread()
    assert "ic4f06" not in {c.id for c in thread.comments}
    assert thread.meta["more_skipped"] == 5


def test_it_keeps_deleted_comments_as_they_are():
    deleted = next(c for c in listing_thread().comments if c.id == "ic4c03")
    assert (deleted.author, deleted.text) == ("[deleted]", "[deleted]")


def test_it_reads_comment_fields():
    comment = next(c for c in listing_thread().comments if c.id == "ic4g08")
    assert comment.text == "The Tartus base is the whole story here.\nEverything else is theatre."
    assert comment.author == "baltic_fleet"
    assert comment.created_at == datetime.fromtimestamp(1339597000, tz=UTC)
    assert comment.meta["score"] == 51


def test_it_reads_a_reply_chain_deeper_than_python_recursion_allows_walking():
    thread = next(reddit.parse(json.dumps(chain(150)).encode()))
    assert len(thread.comments) == 150
    assert thread.comments[-1].parent_id == "c148"


def test_it_reports_json_nested_too_deeply_to_parse_as_a_format_error(tmp_path):
    path = tmp_path / "thread.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    error = read_error(path)
    assert "nested too deeply" in str(error)


def test_it_reads_a_post_without_comments(tmp_path):
    pair = chain(1)
    pair[1] = {"kind": "Listing", "data": {"children": []}}
    thread = next(reddit.read(write_json(tmp_path, pair)))
    assert (thread.title, thread.comments) == ("Deep", [])


def test_it_is_what_read_threads_uses_for_json_files():
    assert [t.id for t in read_threads(LISTING)] == ["v9x2kq"]


# --- the flat list -----------------------------------------------------------------------


def test_it_groups_a_flat_list_by_link_id():
    threads = list(reddit.read(FLAT))
    assert [(t.id, [c.id for c in t.comments]) for t in threads] == [
        ("abc123", ["k1a", "k2b", "k3c", "k4d"]),
        ("def456", ["m1"]),
    ]


def test_it_strips_id_prefixes_and_makes_replies_to_the_post_top_level():
    comments = next(reddit.read(FLAT)).comments
    assert [c.parent_id for c in comments] == [None, "k1a", "k2b", None]


def test_it_titles_a_flat_thread_from_link_title():
    thread = next(reddit.read(FLAT))
    assert thread.title == "Israel buys Russian-made drones? No, the other way round"
    assert thread.body == ""


def test_it_titles_a_flat_thread_without_link_title_by_its_link_id():
    assert list(reddit.read(FLAT))[1].title == "Reddit thread def456"


def test_it_reads_created_utc_given_as_a_string():
    k3c = next(reddit.read(FLAT)).comments[2]
    assert k3c.created_at == datetime.fromtimestamp(1339700200, tz=UTC)


def test_it_reads_comments_wrapped_as_t1_things(tmp_path):
    item = {"id": "z", "parent_id": "t3_q", "link_id": "t3_q", "author": "a", "body": "b"}
    thread = next(reddit.read(write_json(tmp_path, [{"kind": "t1", "data": item}])))
    assert (thread.id, thread.comments[0].id) == ("q", "z")


def test_it_reads_a_flat_list_inside_a_data_key(tmp_path):
    item = {"id": "z", "parent_id": "t3_q", "link_id": "t3_q", "author": "a", "body": "b"}
    assert next(reddit.read(write_json(tmp_path, {"data": [item]}))).id == "q"


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [{"kind": "Listing"}, [], [{"title": "no link id"}], "text", [{"kind": "Listing"}] * 3],
)
def test_it_rejects_other_shapes_saying_what_is_accepted(tmp_path, value):
    path = write_json(tmp_path, value)
    error = read_error(path)
    assert (error.file, error.line) == (str(path), 1)
    assert "accepted shapes: the listing pair" in str(error)
    assert "flat list of comment objects" in str(error)


def test_it_rejects_invalid_json_naming_the_line(tmp_path):
    path = tmp_path / "thread.json"
    path.write_text('[\n  {"kind": "Listing",\n  oops\n]', encoding="utf-8")
    error = read_error(path)
    assert (error.file, error.line) == (str(path), 3)
    assert "invalid JSON" in str(error)


def test_it_rejects_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "thread.json"
    path.write_bytes(b'[\n{"body": "caf\xe9"}]')
    error = read_error(path)
    assert (error.line, "not UTF-8" in str(error)) == (2, True)


def test_it_rejects_an_empty_file(tmp_path):
    path = tmp_path / "thread.json"
    path.write_bytes(b"")
    error = read_error(path)
    assert (error.line, "empty" in str(error)) == (1, True)


def test_it_rejects_a_comment_listing_holding_something_else(tmp_path):
    pair = chain(1)
    pair[1]["data"]["children"].append({"kind": "t3", "data": {}})
    error = read_error(write_json(tmp_path, pair))
    assert error.record == "p"
    assert "expected a comment (kind t1) or a more stub, found kind 't3'" in str(error)


def test_it_rejects_a_created_utc_that_is_not_a_number(tmp_path):
    item = {"id": "z", "parent_id": "t3_q", "link_id": "t3_q", "body": "b", "created_utc": "x"}
    error = read_error(write_json(tmp_path, [item]))
    assert error.record == "z"
    assert "created_utc 'x' is not unix seconds" in str(error)


# --- values no database stores, and links that are not http(s) ---------------------------


def test_it_refuses_nan_in_a_comment_score(tmp_path):
    thread = chain(1)
    thread[1]["data"]["children"][0]["data"]["score"] = float("nan")
    error = read_error(write_json(tmp_path, thread))
    assert (error.file, error.record) == (str(tmp_path / "thread.json"), "p")
    assert "comment 'c0': \"meta.score\" is NaN" in error.message


def test_it_refuses_a_lone_surrogate_in_a_comment_body(tmp_path):
    path = write_json(tmp_path, chain(1))
    path.write_text(path.read_text("utf-8").replace("level 0", "level \\ud800"), "utf-8")
    error = read_error(path)
    assert "comment 'c0': \"text\" holds a lone surrogate" in error.message


def test_it_refuses_a_post_url_that_is_not_http(tmp_path):
    thread = chain(1)
    thread[0]["data"]["children"][0]["data"]["url"] = "data:text/html,<script>x</script>"
    error = read_error(write_json(tmp_path, thread))
    assert '"url" is a data: URL' in error.message
