"""Merge and split comments, and edits of texts that carry annotations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ArticleFactory, ClaimFactory, CommentFactory, ReplyLabelFactory
from threads.models import Article, Comment
from threads.services import (
    article_body_has_dependents,
    article_update_body,
    comment_create,
    comment_has_dependents,
    comment_merge,
    comment_split,
    comment_update_text,
    paragraphs,
)


def assert_tree_consistent(article: Article) -> None:
    """Positions are 0..n-1 and form a pre-order walk with depths one below each parent."""
    comments = list(Comment.objects.filter(article=article).order_by("position"))
    assert [c.position for c in comments] == list(range(len(comments)))
    stack: list[Comment] = []  # the open ancestors of the next comment
    for comment in comments:
        while stack and stack[-1].depth >= comment.depth:
            stack.pop()
        if comment.parent_id is None:
            assert comment.depth == 0 and not stack
        else:
            assert stack and stack[-1].pk == comment.parent_id
            assert comment.depth == stack[-1].depth + 1
        stack.append(comment)


def shape(article: Article) -> list[tuple[str, str | None, int, str]]:
    return [
        (c.external_id, c.parent.external_id if c.parent else None, c.depth, c.text)
        for c in Comment.objects.filter(article=article).select_related("parent")
    ]


@pytest.fixture
def tree(db):
    """a, b (replies b1 > b1x, b2), c (reply c1), d

    b has two paragraphs, as the text format makes of two sibling comments.
    """
    article = ArticleFactory(external_id="t")

    def make(ext, text, parent=None):
        return CommentFactory(article=article, external_id=ext, text=text, parent=parent)

    a = make("a", "A one.")
    b = make("b", "B one.\n\nB two,\nsecond line.")
    b1 = make("b1", "Reply b1.", b)
    b1x = make("b1x", "Reply to b1.", b1)
    b2 = make("b2", "Reply b2.", b)
    c = make("c", "C one.")
    make("c1", "Reply c1.", c)
    make("d", "D one.")
    return {"article": article, "a": a, "b": b, "b1": b1, "b1x": b1x, "b2": b2, "c": c}


def test_it_merges_a_comment_into_its_previous_sibling(tree):
    comment_merge(comment=tree["c"])
    assert shape(tree["article"]) == [
        ("a", None, 0, "A one."),
        ("b", None, 0, "B one.\n\nB two,\nsecond line.\n\nC one."),
        ("b1", "b", 1, "Reply b1."),
        ("b1x", "b1", 2, "Reply to b1."),
        ("b2", "b", 1, "Reply b2."),
        ("c1", "b", 1, "Reply c1."),
        ("d", None, 0, "D one."),
    ]
    assert_tree_consistent(tree["article"])


def test_it_merges_replies_among_themselves(tree):
    comment_merge(comment=tree["b2"])
    assert [e for e, *_ in shape(tree["article"])] == ["a", "b", "b1", "b1x", "c", "c1", "d"]
    assert Comment.objects.get(pk=tree["b1"].pk).text == "Reply b1.\n\nReply b2."
    assert_tree_consistent(tree["article"])


def test_it_refuses_to_merge_the_first_sibling(tree):
    with pytest.raises(ValidationError, match="no previous sibling"):
        comment_merge(comment=tree["b1"])
    assert len(shape(tree["article"])) == 8


def test_it_refuses_to_merge_an_annotated_comment(tree):
    ClaimFactory(article=tree["article"], comment=tree["c"])
    with pytest.raises(ValidationError, match="c carries annotations"):
        comment_merge(comment=tree["c"])
    assert_tree_consistent(tree["article"])
    assert len(shape(tree["article"])) == 8


def test_it_refuses_to_merge_into_an_annotated_sibling(tree):
    ReplyLabelFactory(comment=tree["b"])
    with pytest.raises(ValidationError, match="previous sibling, carries annotations"):
        comment_merge(comment=tree["c"])
    assert Comment.objects.filter(pk=tree["c"].pk).exists()


def test_it_splits_a_comment_at_a_paragraph_break(tree):
    new = comment_split(comment=tree["b"], at_paragraph=1)
    assert new.external_id == "b-2"
    assert shape(tree["article"]) == [
        ("a", None, 0, "A one."),
        ("b", None, 0, "B one."),
        ("b-2", None, 0, "B two,\nsecond line."),
        ("b1", "b-2", 1, "Reply b1."),
        ("b1x", "b1", 2, "Reply to b1."),
        ("b2", "b-2", 1, "Reply b2."),
        ("c", None, 0, "C one."),
        ("c1", "c", 1, "Reply c1."),
        ("d", None, 0, "D one."),
    ]
    assert_tree_consistent(tree["article"])


def test_it_splits_a_reply_keeping_its_depth(tree):
    Comment.objects.filter(pk=tree["b1x"].pk).update(text="One.\n \n\nTwo.\n\nThree.")
    new = comment_split(comment=tree["b1x"], at_paragraph=2)
    assert (new.parent_id, new.depth, new.text) == (tree["b1"].pk, 2, "Three.")
    assert Comment.objects.get(pk=tree["b1x"].pk).text == "One.\n \n\nTwo."
    assert_tree_consistent(tree["article"])


def test_it_undoes_a_split_with_a_merge(tree):
    before = shape(tree["article"])
    new = comment_split(comment=tree["b"], at_paragraph=1)
    comment_merge(comment=new)
    assert shape(tree["article"]) == before
    assert_tree_consistent(tree["article"])


def test_it_refuses_to_split_a_single_paragraph(tree):
    with pytest.raises(ValidationError, match="single paragraph"):
        comment_split(comment=tree["a"], at_paragraph=1)


@pytest.mark.parametrize("at", [0, 2, -1])
def test_it_refuses_to_split_outside_the_paragraph_breaks(tree, at):
    with pytest.raises(ValidationError, match="has 2 paragraphs"):
        comment_split(comment=tree["b"], at_paragraph=at)


def test_it_refuses_to_split_an_annotated_comment(tree):
    ClaimFactory(article=tree["article"], comment=tree["b"])
    with pytest.raises(ValidationError, match="carries annotations"):
        comment_split(comment=tree["b"], at_paragraph=1)
    assert len(shape(tree["article"])) == 8


def test_it_picks_a_free_external_id_for_the_new_half(tree):
    CommentFactory(article=tree["article"], external_id="b-2", text="Taken.")
    assert comment_split(comment=tree["b"], at_paragraph=1).external_id == "b-3"
    assert_tree_consistent(tree["article"])


def test_it_ignores_blank_lines_at_either_end():
    assert paragraphs("\n\nOne.\n\n\nTwo.\n\n") == ["\n\nOne.", "Two.\n\n"]


def test_it_sees_annotations_on_a_comment_but_not_its_replies(tree):
    ClaimFactory(article=tree["article"], comment=tree["b1"])
    assert comment_has_dependents(tree["b1"])
    assert not comment_has_dependents(tree["b"])


def test_it_counts_only_body_claims_as_anchored_to_the_body(tree, alice):
    ClaimFactory(article=tree["article"], comment=tree["a"])
    ReplyLabelFactory(comment=tree["a"])
    assert not article_body_has_dependents(tree["article"])
    ClaimFactory(article=tree["article"])
    assert article_body_has_dependents(tree["article"])


def test_it_updates_a_comment_text_without_annotations(tree):
    comment_update_text(comment=tree["a"], text="Edited.")
    assert Comment.objects.get(pk=tree["a"].pk).text == "Edited."


def test_it_refuses_to_edit_an_annotated_comment_text(tree):
    ClaimFactory(article=tree["article"], comment=tree["a"])
    with pytest.raises(ValidationError, match="cannot be edited"):
        comment_update_text(comment=tree["a"], text="Edited.")
    assert Comment.objects.get(pk=tree["a"].pk).text == "A one."


def test_it_accepts_an_unchanged_text_on_an_annotated_comment(tree):
    ClaimFactory(article=tree["article"], comment=tree["a"])
    assert comment_update_text(comment=tree["a"], text="A one.").text == "A one."


def test_it_refuses_to_edit_an_annotated_article_body(tree):
    ClaimFactory(article=tree["article"])
    with pytest.raises(ValidationError, match="cannot be edited"):
        article_update_body(article=tree["article"], body="New body.")


def test_it_edits_an_article_body_with_only_comment_claims(tree):
    ClaimFactory(article=tree["article"], comment=tree["a"])
    article_update_body(article=tree["article"], body="New body.")
    assert Article.objects.get(pk=tree["article"].pk).body == "New body."


def test_it_adds_a_reply_after_its_parents_subtree(tree):
    new = comment_create(article=tree["article"], parent=tree["b"], external_id="b3", text="Late.")
    assert (new.depth, new.position) == (1, 5)
    assert [e for e, *_ in shape(tree["article"])][4:7] == ["b2", "b3", "c"]
    assert_tree_consistent(tree["article"])


def test_it_adds_a_top_level_comment_at_the_end(tree):
    new = comment_create(article=tree["article"], external_id="e", text="Last.")
    assert (new.depth, new.position) == (0, 8)
    assert_tree_consistent(tree["article"])


def test_it_refuses_a_parent_from_another_thread(tree):
    other = CommentFactory(external_id="x")
    with pytest.raises(ValidationError, match="another thread"):
        comment_create(article=tree["article"], parent=other, external_id="y", text="?")


def test_it_refuses_a_duplicate_external_id(tree):
    with pytest.raises(ValidationError, match="already has a comment"):
        comment_create(article=tree["article"], external_id="a", text="?")
