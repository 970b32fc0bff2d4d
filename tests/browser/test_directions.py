"""Reply labels toward the parent and toward the article in a real Chromium: a corpus that labels
both shows two bars on each comment; a person clicks the second, or presses Shift and a label
key, and sees the label on that bar only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotate.models import ReplyLabel
from annotate.services.corpora import reply_directions_set
from tests.browser.test_workspace import sign_in
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    CommentFactory,
    CorpusFactory,
    UserFactory,
)


@pytest.fixture
def both(transactional_db):
    """A thread of a corpus labelling both directions, assigned to alice: c1 and its reply c2."""
    alice = UserFactory(username="alice")
    corpus = CorpusFactory(slug="dast", title="DAST")
    reply_directions_set(corpus=corpus, directions=["parent", "root"])
    article = ArticleFactory(corpus=corpus, title="A thread", body="The article's claim.")
    c1 = CommentFactory(article=article, text="A top-level comment.")
    c2 = CommentFactory(article=article, parent=c1, text="A reply to it.")
    AssignmentFactory(annotator=alice, article=article)
    return {"article": article, "c1": c1, "c2": c2}


def test_it_labels_a_reply_toward_the_article_by_clicking_the_second_bar(page, both):
    sign_in(page)
    page.goto(f"/threads/{both['article'].pk}/")
    c2 = both["c2"].pk
    root_bar, parent_bar = page.locator(f"#rl-root-{c2}"), page.locator(f"#rl-{c2}")
    expect(root_bar).to_contain_text("to root (article):")

    root_bar.get_by_role("button", name="query").click()

    expect(page.locator(f"#rl-root-{c2} .rlb.on")).to_have_text("query")
    expect(parent_bar.locator(".rlb.on")).to_have_count(0)
    expect(page.locator("#progress-count")).to_have_text("1 / 2")
    assert list(ReplyLabel.objects.values_list("toward", "label__name")) == [("root", "query")]

    page.locator(f"#rl-{c2}").get_by_role("button", name="deny").click()
    expect(page.locator(f"#rl-{c2} .rlb.on")).to_have_text("deny")
    expect(page.locator(f"#rl-root-{c2} .rlb.on")).to_have_text("query")


def test_it_labels_the_second_bar_with_shift_and_a_label_key(page, both):
    sign_in(page)
    page.goto(f"/threads/{both['article'].pk}/")
    c1 = both["c1"].pk
    page.locator(f"#c{c1} > .chead .author").click()  # make it the current comment

    page.keyboard.press("Shift+3")  # query, toward the article
    expect(page.locator(f"#rl-root-{c1} .rlb.on")).to_have_text("query")
    page.keyboard.press("2")  # deny, toward the parent
    expect(page.locator(f"#rl-{c1} .rlb.on")).to_have_text("deny")
    page.keyboard.press("Shift+0")  # clears the label toward the article
    expect(page.locator(f"#rl-root-{c1} .rlb.on")).to_have_count(0)

    expect(page.locator(f"#rl-{c1} .rlb.on")).to_have_text("deny")
    assert list(ReplyLabel.objects.values_list("toward", "label__name")) == [("parent", "deny")]


def test_it_lists_the_shift_keys_in_the_shortcuts(page, both):
    sign_in(page)
    page.goto(f"/threads/{both['article'].pk}/")
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("The same reply labels toward the article")
