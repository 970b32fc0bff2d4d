"""The review page where a corpus labels replies toward the parent and toward the article: each
direction's labels, majority, gold and disagreement apart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import LabelKind, ReplyLabel
from annotate.services.corpora import reply_directions_set
from annotate.services.gold import reply_labels_fingerprint
from tests.factories import ReplyLabelFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_victor(client, victor, password):
    client.force_login(victor)
    return client


@pytest.fixture
def both(labelled, alice, bob):
    """The review thread (alice and bob both deny c1 toward its parent), its corpus labelling
    both directions: toward the article alice says query and bob comment on c1."""
    reply_directions_set(corpus=labelled["article"].corpus, directions=["parent", "root"])
    value = labelled["value"]
    for user, name in ((alice, "query"), (bob, "comment")):
        ReplyLabelFactory(
            annotator=user,
            comment=labelled["c1"],
            toward="root",
            label=value(LabelKind.REPLY_LABEL, name),
        )
    return labelled


def _page(article):
    return reverse("annotate:review-thread", args=[article.pk])


def _rows(body: str, comment) -> list[str]:
    """The reply rows of a comment's review block (in a page, or the fragment a change returns),
    in page order."""
    block = body[body.index(f'id="tb-{comment.pk}"') :]
    block = block.split('<div class="replies"')[0]
    return block.split('<div class="rv-reply')[1:]


def test_it_shows_a_row_of_reply_labels_for_each_direction(as_victor, both):
    parent, root = _rows(as_victor.get(_page(both["article"])).content.decode(), both["c1"])
    assert 'data-toward="parent"' in parent and 'data-toward="root"' in root
    assert "to root (article):" in root
    assert "Accept majority" in parent and "Accept majority" not in root  # a tie


def test_it_outlines_the_disagreement_of_one_direction_only(as_victor, both):
    parent, root = _rows(as_victor.get(_page(both["article"])).content.decode(), both["c1"])
    assert parent.startswith('"') and root.startswith(' dis"')


def test_it_shows_one_row_where_the_corpus_labels_one_direction(as_victor, labelled):
    rows = _rows(as_victor.get(_page(labelled["article"])).content.decode(), labelled["c1"])
    assert len(rows) == 1 and 'data-toward="parent"' in rows[0]


def test_it_counts_each_direction_as_a_disagreement_on_the_home_list(as_victor, both):
    # c1 toward the article, c2 toward its parent (bob only), and two claim spans.
    body = as_victor.get(reverse("annotate:review-home")).content.decode()
    row = body[body.index(f'id="review-{both["article"].pk}"') :]
    assert '<td class="num">5</td>' in row[: row.index("</tr>")]


def test_it_accepts_the_majority_toward_the_article(as_victor, both, alice, bob):
    ReplyLabel.objects.filter(annotator=bob, toward="root").update(
        label=both["value"](LabelKind.REPLY_LABEL, "query")
    )
    labels = ReplyLabel.objects.filter(comment=both["c1"], toward="root")
    seen = reply_labels_fingerprint([(r.annotator.username, r.label_id) for r in labels])
    url = reverse("annotate:review-reply-majority", args=[both["article"].pk])
    data = {"comment": both["c1"].pk, "toward": "root", "seen": seen, "seen_gold": ""}
    response = as_victor.post(url, data, **HTMX)
    assert response.status_code == 200
    gold = ReplyLabel.objects.get(is_gold=True)
    assert (gold.toward, gold.label.name, gold.source_id) == ("root", "query", alice.pk)
    _parent, root = _rows(response.content.decode(), both["c1"])
    assert "gold: <b" in root


def test_it_refuses_a_majority_toward_a_direction_that_is_neither(as_victor, both):
    url = reverse("annotate:review-reply-majority", args=[both["article"].pk])
    data = {"comment": both["c1"].pk, "toward": "sideways", "seen": "", "seen_gold": ""}
    assert as_victor.post(url, data, **HTMX).status_code == 400


def test_it_reads_the_page_with_two_directions_in_a_fixed_number_of_queries(
    as_victor, both, django_assert_max_num_queries
):
    # As with one direction (tests/annotate/review/test_views.py): 12 for the page, one of them
    # its relations, 9 for the agreement figures on a first visit.
    with django_assert_max_num_queries(21):
        assert as_victor.get(_page(both["article"])).status_code == 200
