"""Workspace and dashboard selectors: what they read, and in how many queries."""

from __future__ import annotations

import pytest
from django.http import Http404

from annotate.models import AssignmentStatus
from annotate.selectors.assignments import (
    assignment_comment_get_for_save,
    assignment_get_for_save,
    assignment_list,
    assignment_next,
    assignment_progress,
)
from annotate.selectors.schema import schema_get
from annotate.selectors.workspace import (
    claim_target_choices,
    text_segments,
    thread_comment_get,
    workspace_get,
    workspace_text,
)
from tests.annotate.bigthread import build_thread
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    ReplyLabelFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _Span:
    def __init__(self, pk, start, end):
        self.pk, self.start, self.end = pk, start, end


def test_it_leaves_a_text_without_claims_whole():
    [segment] = text_segments("Plain.", [])
    assert (segment.text, segment.claims) == ("Plain.", [])


def test_it_splits_a_text_at_every_claim_boundary():
    a, b = _Span(1, 0, 7), _Span(2, 6, 15)
    segments = text_segments("First 😀 comment.", [a, b])
    assert [(s.text, s.ids) for s in segments] == [
        ("First ", "1"),
        ("😀", "1 2"),
        (" comment", "2"),
        (".", ""),
    ]


def test_it_draws_the_innermost_claim_on_top():
    outer, inner = _Span(1, 0, 10), _Span(2, 2, 4)
    segments = text_segments("0123456789", [outer, inner])
    assert segments[1].top is inner


def test_it_draws_the_most_recent_of_equal_claims_on_top():
    older, newer = _Span(1, 0, 4), _Span(2, 0, 4)
    [segment, _rest] = text_segments("0123456789", [older, newer])
    assert segment.top is newer


def test_it_reads_the_workspace_of_the_assigned_annotator(thread, alice, bob):
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=bob, article=thread["article"], comment=thread["c1"])
    ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    workspace = workspace_get(annotator=alice, article_id=thread["article"].pk)
    assert [item.comment.external_id for item in workspace.items] == ["c1", "c2", "c3", "c4"]
    assert len(workspace.claims) == 1 and workspace.claims[0].annotator_id == alice.pk
    assert workspace.labelled == 2 and workspace.total == 4


def test_it_counts_descendants_and_closing_boxes(thread, alice):
    workspace = workspace_get(annotator=alice, article_id=thread["article"].pk)
    assert [(i.descendants, i.closes) for i in workspace.items] == [(2, 0), (1, 0), (0, 3), (0, 1)]


def test_it_raises_404_for_an_unassigned_thread(thread, charlie):
    with pytest.raises(Http404):
        workspace_get(annotator=charlie, article_id=thread["article"].pk)


def test_it_reads_the_workspace_in_a_constant_number_of_queries(
    alice, corpus, django_assert_max_num_queries
):
    article = ArticleFactory(corpus=corpus)
    build_thread(article=article, comments=400, claims=100, annotator=alice, relations=True)
    AssignmentFactory(annotator=alice, article=article)
    with django_assert_max_num_queries(7):  # 6, and the claims' relations
        workspace = workspace_get(annotator=alice, article_id=article.pk)
        seen = [  # what the template reads
            (claim.stance.name, claim.claim_type.name, claim.stance_target, segment.top)
            for item in workspace.items
            for claim in item.text.claims
            for segment in item.text.segments
        ]
        relations = [
            (r.phrase, r.to_claim_id)
            for item in workspace.items
            for claim in item.text.claims
            for r in item.text.relations.get(claim.pk, [])
        ]
    # The first page: 100 comments of 400, the 25 claims on them, and 25 answers attacking them.
    assert seen and len(workspace.claims) == 50
    assert len(relations) == 25 and relations[0][0] == "attacks"
    assert len(workspace.items) == 100 and workspace.total == 400


def test_it_offers_only_claims_in_ancestor_texts(thread, alice, bob):
    body = ClaimFactory(annotator=alice, article=thread["article"])
    up = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c4"])
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c3"])
    ClaimFactory(annotator=bob, article=thread["article"], comment=thread["c1"])
    choices = claim_target_choices(annotator=alice, article=thread["article"], comment=thread["c3"])
    assert choices == [body, up]


def test_it_offers_no_claim_targets_in_the_article(thread, alice):
    ClaimFactory(annotator=alice, article=thread["article"])
    assert claim_target_choices(annotator=alice, article=thread["article"], comment=None) == []


def test_it_measures_progress_in_one_query(thread, alice, django_assert_num_queries):
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=alice, article=thread["article"])  # the body is not a comment
    ReplyLabelFactory(annotator=alice, comment=thread["c1"])
    ReplyLabelFactory(annotator=alice, comment=thread["c3"])
    assignment = alice.assignments.get()
    with django_assert_num_queries(1):
        assert assignment_progress(assignment=assignment) == (2, 4)


def test_it_lists_assignments_with_progress_in_one_query(
    alice, corpus, django_assert_max_num_queries
):
    for n in range(5):
        article = ArticleFactory(corpus=corpus)
        comments = [CommentFactory(article=article) for _ in range(3)]
        for comment in comments[: n % 4]:
            ReplyLabelFactory(annotator=alice, comment=comment)
        AssignmentFactory(annotator=alice, article=article)
    with django_assert_max_num_queries(1):
        rows = [
            (a.labelled, a.total, a.article.corpus.slug) for a in assignment_list(annotator=alice)
        ]
    assert sorted(r[0] for r in rows) == [0, 0, 1, 2, 3]
    assert {r[1] for r in rows} == {3}


def test_it_lists_in_progress_then_todo_then_done(alice, corpus):
    done = AssignmentFactory(annotator=alice, status=AssignmentStatus.DONE)
    todo = AssignmentFactory(annotator=alice)
    doing = AssignmentFactory(annotator=alice, status=AssignmentStatus.IN_PROGRESS)
    assert list(assignment_list(annotator=alice)) == [doing, todo, done]


def test_it_picks_no_next_thread_when_all_are_done(alice):
    AssignmentFactory(annotator=alice, status=AssignmentStatus.DONE)
    assert assignment_next(annotator=alice) is None


def test_it_reads_the_schema_in_one_query(corpus, django_assert_num_queries):
    with django_assert_num_queries(1):
        schema = schema_get(corpus_id=corpus.pk)
    assert [v.name for v in schema.stances] == ["support", "oppose", "neutral"]
    assert [v.name for v in schema.reply_labels] == ["support", "deny", "query", "comment"]


def test_it_reads_a_retired_value_as_retired(corpus):
    corpus.label_values.filter(kind="stance", name="neutral").update(retired=True)
    schema = schema_get(corpus_id=corpus.pk)
    assert [(v.name, v.retired) for v in schema.stances] == [
        ("support", False),
        ("oppose", False),
        ("neutral", True),
    ]
    assert [v.name for v in schema.current("stance")] == ["support", "oppose"]


def test_it_measures_no_progress_on_a_thread_without_comments(alice, corpus):
    assignment = AssignmentFactory(annotator=alice, article=ArticleFactory(corpus=corpus))
    assert assignment_progress(assignment=assignment) == (0, 0)


def test_it_reads_a_saved_text_with_only_the_annotators_claims(thread, alice, bob):
    mine = ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=bob, article=thread["article"], comment=thread["c1"])
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c2"])
    body = ClaimFactory(annotator=alice, article=thread["article"])
    schema = schema_get(corpus_id=thread["article"].corpus_id)
    text = workspace_text(
        annotator=alice, article=thread["article"], comment=thread["c1"], schema=schema
    )
    assert [(c.pk, c.stance.name, c.quote) for c in text.claims] == [
        (mine.pk, mine.stance.name, mine.quote)
    ]
    article_text = workspace_text(
        annotator=alice, article=thread["article"], comment=None, schema=schema
    )
    assert [c.pk for c in article_text.claims] == [body.pk]


def test_it_finds_the_assignment_for_a_save_in_one_query(thread, alice, django_assert_num_queries):
    expected = alice.assignments.get()
    with django_assert_num_queries(1):
        assignment = assignment_get_for_save(annotator=alice, article_id=thread["article"].pk)
        read = (assignment.pk, assignment.status, assignment.article.body)
    assert read == (expected.pk, expected.status, thread["article"].body)


def test_it_finds_no_assignment_for_a_save_on_an_unassigned_thread(thread, charlie):
    with pytest.raises(Http404):
        assignment_get_for_save(annotator=charlie, article_id=thread["article"].pk)


def test_it_finds_the_assignment_and_comment_for_a_save_in_one_query(
    thread, alice, django_assert_num_queries
):
    expected = alice.assignments.get()
    with django_assert_num_queries(1):
        found = assignment_comment_get_for_save(
            annotator=alice, article_id=thread["article"].pk, comment_id=thread["c2"].pk
        )
        assert found is not None
        assignment, comment = found
        read = (
            assignment.pk,
            assignment.status,
            assignment.article.body,
            comment.text,
            comment.parent_id,
            comment.article.corpus_id,
        )
    assert read == (
        expected.pk,
        expected.status,
        thread["article"].body,
        thread["c2"].text,
        thread["c1"].pk,
        thread["article"].corpus_id,
    )


def test_it_finds_no_comment_for_a_save_on_an_unassigned_thread(thread, charlie):
    found = assignment_comment_get_for_save(
        annotator=charlie, article_id=thread["article"].pk, comment_id=thread["c2"].pk
    )
    assert found is None


def test_it_finds_no_comment_for_a_save_in_another_thread(thread, alice, corpus):
    other = ArticleFactory(corpus=corpus)
    AssignmentFactory(annotator=alice, article=other)
    found = assignment_comment_get_for_save(
        annotator=alice, article_id=other.pk, comment_id=thread["c2"].pk
    )
    assert found is None


def test_it_finds_a_comment_only_in_its_own_thread(thread, corpus):
    found = thread_comment_get(article=thread["article"], comment_id=thread["c3"].pk)
    assert found is not None and (found.text, found.depth) == (thread["c3"].text, 2)
    other = ArticleFactory(corpus=corpus)
    assert thread_comment_get(article=other, comment_id=thread["c3"].pk) is None


def test_it_reads_a_changed_schema_value_at_once(corpus):
    schema_get(corpus_id=corpus.pk)
    corpus.label_values.filter(kind="stance", name="oppose").update(colour="#123456")
    changed = schema_get(corpus_id=corpus.pk)
    assert [v.colour for v in changed.stances if v.name == "oppose"] == ["#123456"]
