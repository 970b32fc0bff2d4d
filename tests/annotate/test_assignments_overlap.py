"""k-overlap assignment: the pure planner, the service, unassigning, and the grant services."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from annotate.models import AgreementFigures, Assignment, CorpusGrant
from annotate.services.assignments import (
    assignment_delete,
    assignment_overlap_create,
    overlap_plan,
)
from annotate.services.grants import corpus_grant_add, corpus_grant_revoke
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CorpusFactory,
    CorpusGrantFactory,
    ReplyLabelFactory,
    UserFactory,
)

# --- The planner (pure) ------------------------------------------------------------------------


def plan(**overrides):
    args = {
        "threads": list(range(1, 13)),
        "existing": {},
        "pool": [10, 20, 30, 40],
        "load": {},
        "k": 2,
        "seed": 1,
    }
    args.update(overrides)
    return overlap_plan(**args)


def test_it_gives_every_thread_k_different_annotators():
    result = plan()
    assert set(result) == set(range(1, 13))
    assert all(len(set(users)) == 2 for users in result.values())


def test_it_balances_the_load_across_the_pool():
    counts = Counter(u for users in plan().values() for u in users)
    assert sorted(counts.values()) == [6, 6, 6, 6]


def test_it_gives_the_same_plan_for_the_same_seed():
    assert plan(seed=42) == plan(seed=42)


def test_it_breaks_ties_differently_with_another_seed():
    plans = {tuple(sorted(plan(threads=[1], seed=s)[1])) for s in range(20)}
    assert len(plans) > 1


def test_it_prefers_the_least_loaded_annotators():
    result = plan(threads=[1], load={10: 5, 20: 0, 30: 3, 40: 0})
    assert result[1] == [20, 40]


def test_it_counts_existing_assignees_toward_k():
    result = plan(threads=[1, 2], existing={1: {10}, 2: {10, 20}})
    assert len(result[1]) == 1 and 10 not in result[1]
    assert 2 not in result


def test_it_counts_existing_assignees_outside_the_pool_toward_k():
    assert plan(threads=[1], existing={1: {99, 98}}) == {}


def test_it_adds_each_pick_to_the_load_as_it_goes():
    result = plan(threads=[1, 2], k=1, load={10: 0, 20: 0, 30: 9, 40: 9})
    assert sorted(result[1] + result[2]) == [10, 20]


# --- The service -------------------------------------------------------------------------------


@pytest.fixture
def pool(corpus):
    users = [UserFactory(username=name) for name in ("ann", "ben", "cai")]
    for user in users:
        CorpusGrantFactory(user=user, corpus=corpus, role="annotator")
    return users


def test_it_assigns_every_unassigned_thread_to_k_annotators(corpus, pool):
    articles = ArticleFactory.create_batch(6, corpus=corpus)
    result = assignment_overlap_create(corpus=corpus, k=2, annotators=pool, seed=3)
    assert result.created == 12
    for article in articles:
        assert Assignment.objects.filter(article=article).count() == 2
    assert sorted(result.per_annotator.values()) == [4, 4, 4]


def test_it_leaves_threads_that_are_already_assigned(corpus, pool, bob):
    assigned = ArticleFactory(corpus=corpus)
    AssignmentFactory(annotator=bob, article=assigned)
    ArticleFactory(corpus=corpus)
    result = assignment_overlap_create(corpus=corpus, k=2, annotators=pool, seed=3)
    assert result.threads == 1
    assert list(
        Assignment.objects.filter(article=assigned).values_list("annotator", flat=True)
    ) == [bob.pk]


def test_it_tops_up_the_threads_given_to_k(corpus, pool):
    article = ArticleFactory(corpus=corpus)
    AssignmentFactory(annotator=pool[0], article=article)
    result = assignment_overlap_create(
        corpus=corpus, k=3, annotators=pool, seed=3, articles=[article]
    )
    assert result.created == 2
    assert Assignment.objects.filter(article=article).count() == 3


def test_it_balances_by_open_assignments_in_any_corpus(corpus, pool):
    elsewhere = CorpusFactory()
    for _ in range(3):
        AssignmentFactory(annotator=pool[0], article=ArticleFactory(corpus=elsewhere))
    AssignmentFactory(annotator=pool[1], article=ArticleFactory(corpus=elsewhere), status="done")
    ArticleFactory(corpus=corpus)
    result = assignment_overlap_create(corpus=corpus, k=2, annotators=pool, seed=3)
    assert result.per_annotator == {"ben": 1, "cai": 1}


def test_it_gives_the_same_assignments_for_the_same_seed(corpus, pool):
    ArticleFactory.create_batch(5, corpus=corpus)
    assignment_overlap_create(corpus=corpus, k=1, annotators=pool, seed=11)
    first = set(Assignment.objects.values_list("annotator_id", "article_id"))
    Assignment.objects.all().delete()
    assignment_overlap_create(corpus=corpus, k=1, annotators=pool, seed=11)
    assert set(Assignment.objects.values_list("annotator_id", "article_id")) == first


def test_it_draws_a_seed_and_returns_it_when_none_is_given(corpus, pool):
    ArticleFactory(corpus=corpus)
    assert isinstance(assignment_overlap_create(corpus=corpus, k=1, annotators=pool).seed, int)


def test_it_refuses_k_larger_than_the_pool(corpus, pool):
    ArticleFactory(corpus=corpus)
    with pytest.raises(ValidationError, match="k = 4 is more than the 3 annotators"):
        assignment_overlap_create(corpus=corpus, k=4, annotators=pool, seed=1)
    assert not Assignment.objects.exists()


def test_it_refuses_k_below_one(corpus, pool):
    with pytest.raises(ValidationError, match="at least 1"):
        assignment_overlap_create(corpus=corpus, k=0, annotators=pool, seed=1)


def test_it_refuses_a_user_without_the_annotator_role(corpus, pool, rita):
    ArticleFactory(corpus=corpus)
    with pytest.raises(ValidationError, match="rita has no annotator role on corpus"):
        assignment_overlap_create(corpus=corpus, k=1, annotators=[*pool, rita], seed=1)
    assert not Assignment.objects.exists()


def test_it_refuses_an_annotator_of_another_corpus(corpus, pool):
    other = UserFactory(username="olga")
    CorpusGrantFactory(user=other, corpus=CorpusFactory(), role="annotator")
    with pytest.raises(ValidationError, match="olga has no annotator role"):
        assignment_overlap_create(corpus=corpus, k=1, annotators=[other], seed=1)


def test_it_refuses_threads_of_another_corpus(corpus, pool):
    stranger = ArticleFactory(corpus=CorpusFactory())
    with pytest.raises(ValidationError, match="not in corpus"):
        assignment_overlap_create(corpus=corpus, k=1, annotators=pool, seed=1, articles=[stranger])
    assert not Assignment.objects.exists()


def test_it_refuses_an_empty_pool(corpus):
    with pytest.raises(ValidationError, match="at least one annotator"):
        assignment_overlap_create(corpus=corpus, k=1, annotators=[], seed=1)


# --- Unassigning -------------------------------------------------------------------------------


def test_it_keeps_the_labels_of_an_unassigned_annotator(thread, alice):
    article = thread["article"]
    ClaimFactory(annotator=alice, article=article, comment=thread["c1"])
    ReplyLabelFactory(annotator=alice, comment=thread["c2"])
    assignment = Assignment.objects.get(annotator=alice, article=article)
    assert assignment_delete(assignment=assignment) == 2
    assert not Assignment.objects.filter(annotator=alice, article=article).exists()
    assert article.claims.filter(annotator=alice).count() == 1


def test_it_forgets_the_agreement_figures_when_unassigning(thread, alice):
    article = thread["article"]
    AgreementFigures.objects.create(article=article, figures={}, report={})
    assignment_delete(assignment=Assignment.objects.get(annotator=alice, article=article))
    assert not AgreementFigures.objects.filter(article=article).exists()


# --- Grants ------------------------------------------------------------------------------------


def test_it_grants_a_role_once(corpus, alice):
    assert corpus_grant_add(corpus=corpus, user=alice, role="annotator") is True
    assert corpus_grant_add(corpus=corpus, user=alice, role="annotator") is False
    assert CorpusGrant.objects.filter(user=alice, role="annotator").count() == 1


def test_it_revokes_a_role(corpus, alice):
    corpus_grant_add(corpus=corpus, user=alice, role="reviewer")
    assert corpus_grant_revoke(corpus=corpus, user=alice, role="reviewer") is True
    assert not CorpusGrant.objects.filter(user=alice).exists()


def test_it_refuses_a_role_that_does_not_exist(corpus, alice):
    with pytest.raises(ValidationError, match="not a role"):
        corpus_grant_add(corpus=corpus, user=alice, role="boss")
