"""threads.formats.tree: display order, depths, orphans and cycles."""

from __future__ import annotations

import pytest

from threads.formats.records import CommentRecord, FormatError, ThreadRecord
from threads.formats.tree import compute_depths, order_comments


def thread_of(*pairs: tuple[str, str | None]) -> ThreadRecord:
    comments = [
        CommentRecord(id=cid, parent_id=parent, text=f"text of {cid}", line=index + 10)
        for index, (cid, parent) in enumerate(pairs)
    ]
    return ThreadRecord(id="t1", title="T", body="B", comments=comments, line=3)


def ids(ordered) -> list[str]:
    return [c.id for c in ordered.comments]


def test_it_puts_parents_before_their_replies():
    thread = thread_of(("r", "p"), ("p", None))
    assert ids(order_comments(thread)) == ["p", "r"]


def test_it_walks_the_tree_in_pre_order_keeping_sibling_order():
    thread = thread_of(("a", None), ("b", None), ("a2", "a"), ("a1x", "a2"), ("a3", "a"))
    assert ids(order_comments(thread)) == ["a", "a2", "a1x", "a3", "b"]


def test_it_sets_zero_based_depths():
    thread = thread_of(("a", None), ("b", "a"), ("c", "b"))
    assert [c.depth for c in order_comments(thread).comments] == [0, 1, 2]


def test_it_orders_a_reply_chain_10000_deep_without_recursion():
    # How fast is bench/'s to print; here: no recursion limit at this depth.
    pairs = [("c0", None)] + [(f"c{i}", f"c{i - 1}") for i in range(1, 10_000)]
    thread = thread_of(*reversed(pairs))
    ordered = order_comments(thread)
    assert ordered.comments[-1].id == "c9999"
    assert ordered.comments[-1].depth == 9999


def test_it_rejects_a_duplicate_comment_id():
    with pytest.raises(FormatError, match="duplicate comment id 'a'"):
        order_comments(thread_of(("a", None), ("a", None)))


def test_it_rejects_an_orphan_naming_both_ids():
    with pytest.raises(FormatError) as caught:
        order_comments(thread_of(("a", None), ("b", "gone")), file="dump.jsonl")
    message = str(caught.value)
    assert "'b'" in message and "'gone'" in message
    assert message.startswith("dump.jsonl, line 11, record t1:")


def test_it_attaches_an_orphan_at_top_level_and_marks_it():
    ordered = order_comments(thread_of(("a", None), ("b", "gone"), ("c", "b")), orphans="attach")
    assert ids(ordered) == ["a", "b", "c"]
    b = ordered.comments[1]
    assert (b.parent_id, b.depth, b.meta) == (None, 0, {"orphan": True})
    assert ordered.orphans_attached == 1


def test_it_skips_an_orphan_with_its_replies_and_counts_them():
    thread = thread_of(("a", None), ("b", "gone"), ("c", "b"), ("d", "c"))
    ordered = order_comments(thread, orphans="skip")
    assert ids(ordered) == ["a"]
    assert ordered.orphans_skipped == 3


def test_it_rejects_a_reply_cycle_naming_its_ids():
    thread = thread_of(("a", None), ("x", "z"), ("y", "x"), ("z", "y"))
    with pytest.raises(FormatError, match="reply cycle") as caught:
        order_comments(thread, file="f.jsonl")
    assert all(f"'{cid}'" in str(caught.value) for cid in "xyz")
    assert caught.value.file == "f.jsonl"
    assert caught.value.record == "t1"


def test_it_rejects_a_cycle_even_when_orphans_are_attached():
    thread = thread_of(("x", "y"), ("y", "x"))
    with pytest.raises(FormatError, match="reply cycle"):
        order_comments(thread, orphans="attach")


def test_it_rejects_a_comment_that_is_its_own_parent():
    with pytest.raises(FormatError, match="'a' names itself as its parent"):
        order_comments(thread_of(("a", "a")))


def test_it_uses_the_thread_line_when_a_comment_has_none():
    thread = thread_of(("a", "gone"))
    thread.comments[0].line = None
    with pytest.raises(FormatError) as caught:
        order_comments(thread)
    assert caught.value.line == 3


def test_it_refuses_an_unknown_orphan_policy():
    with pytest.raises(ValueError, match="orphans must be one of"):
        order_comments(thread_of(("a", None)), orphans="keep")


def test_it_computes_depths_from_parent_links():
    comments = thread_of(("c", "b"), ("b", "a"), ("a", None), ("o", "gone")).comments
    assert compute_depths(comments) == {"a": 0, "b": 1, "c": 2, "o": 0}
