"""The review page in a real Chromium: a reviewer settles a thread that alice and bob labelled
differently into gold, from the keyboard and the mouse, and the API then serves that gold."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from annotate.models import LabelKind
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    CorpusGrantFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)


@pytest.fixture
def disputed(transactional_db):
    """alice marks "Sanctions work" supporting the thesis, bob the same span opposing it; both
    label the first comment "deny", bob the second "query"."""
    corpus = CorpusFactory(slug="demo", title="Demo corpus")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    victor = UserFactory(username="victor")
    CorpusGrantFactory(user=victor, corpus=corpus, role="reviewer")
    article = ArticleFactory(
        corpus=corpus, title="Do sanctions work?", body="Sanctions work. They always have."
    )
    first = CommentFactory(article=article, text="They never did, not once.")
    second = CommentFactory(article=article, parent=first, text="Source?")
    for who in (alice, bob):
        AssignmentFactory(annotator=who, article=article, status="done")

    def value(kind, name):
        return label(corpus, kind, name)

    alices = ClaimFactory(annotator=alice, article=article, start=0, end=14, quote="Sanctions work")
    ClaimFactory(
        annotator=bob,
        article=article,
        start=0,
        end=14,
        quote="Sanctions work",
        stance=value(LabelKind.STANCE, "oppose"),
    )
    for who in (alice, bob):
        ReplyLabelFactory(annotator=who, comment=first, label=value(LabelKind.REPLY_LABEL, "deny"))
    ReplyLabelFactory(annotator=bob, comment=second, label=value(LabelKind.REPLY_LABEL, "query"))
    return {"article": article, "first": first, "alices": alices}


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_it_settles_a_disputed_thread_into_gold_the_api_then_serves(page: Page, disputed):
    article, first = disputed["article"], disputed["first"]
    sign_in(page, "victor")
    page.goto("/review/")
    page.get_by_role("link", name="Do sanctions work?").click()
    # Loaded, deferred scripts run: the keys below need review.js listening.
    page.wait_for_url(f"**/review/threads/{article.pk}/", wait_until="load")
    expect(page.locator("#review-status-value")).to_have_text("unreviewed")

    # n: the first disagreement, alice's claim on the span bob gave another stance.
    page.keyboard.press("n")
    current = page.locator(".dis-current")
    expect(current).to_have_id(f"rc-{disputed['alices'].pk}")

    # Accept alice's claim: it appears in the gold lane, accepted from alice.
    current.get_by_role("button", name="Accept").click()
    gold_chip = page.locator("#tb-a .gold-lane a.chip")
    expect(gold_chip).to_contain_text("accepted from alice · settled by victor")
    expect(page.locator("#review-status-value")).to_have_text("in review")

    # Edit its stance with the annotators' claim form: o for oppose, Enter to save.
    gold_chip.click()
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("o")
    page.keyboard.press("Enter")
    expect(page.locator("#editor")).to_be_hidden()
    expect(page.locator("#tb-a .gold-lane a.chip b")).to_have_text("oppose")

    # Accept the majority reply label on the first comment (alice's and bob's "deny").
    page.locator(f"#tb-{first.pk}").get_by_role("button", name="Accept majority").click()
    expect(page.locator(f"#tb-{first.pk} .gold-reply")).to_contain_text(
        "deny accepted from alice · settled by victor"
    )

    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.locator("#review-status-value")).to_have_text("reviewed")

    claims = page.request.get(f"/api/v1/claims/?gold=true&thread={article.pk}").json()
    assert [(c["text"], c["stance"], c["settled_by"], c["source"]) for c in claims["results"]] == [
        ("Sanctions work", "oppose", "victor", "alice")
    ]
    labels = page.request.get(f"/api/v1/reply-labels/?gold=true&thread={article.pk}").json()
    assert [
        (r["comment_id"], r["label"], r["settled_by"], r["source"]) for r in labels["results"]
    ] == [(first.pk, "deny", "victor", "alice")]


def test_it_moves_back_with_p_to_the_previous_disagreement(page: Page, disputed):
    sign_in(page, "victor")
    page.goto(f"/review/threads/{disputed['article'].pk}/")
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(page.locator(".dis-current")).to_have_class(re.compile("rv-reply"))
    page.keyboard.press("p")
    expect(page.locator(".dis-current")).to_have_id(f"rc-{disputed['alices'].pk}")


def test_it_draws_a_gold_claim_by_selecting_text(page: Page, disputed):
    first = disputed["first"]
    sign_in(page, "victor")
    page.goto(f"/review/threads/{disputed['article'].pk}/")
    box = page.locator(f"#tb-{first.pk} .text")
    box.scroll_into_view_if_needed()
    # Select "never did" with the mouse, from its first character's box to its last.
    rects = page.evaluate(
        """(selector) => {
            const node = document.querySelector(selector).firstChild;
            const at = (i) => { const r = document.createRange(); r.setStart(node, i);
                                r.setEnd(node, i + 1); const b = r.getBoundingClientRect();
                                return [b.left, b.top + b.height / 2, b.right]; };
            const start = node.data.indexOf("never did");
            return [at(start), at(start + "never did".length - 1)];
        }""",
        f"#tb-{first.pk} .text",
    )
    page.mouse.move(rects[0][0] + 1, rects[0][1])
    page.mouse.down()
    page.mouse.move(rects[1][2] - 1, rects[1][1], steps=5)
    page.mouse.up()
    expect(page.locator("#claim-form")).to_be_visible()
    expect(page.locator("#claim-form .quote q")).to_have_text("never did")
    page.keyboard.press("o")  # stance: oppose (the target is the parent already)
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{first.pk} .gold-lane a.chip")).to_contain_text(
        "reviewer · settled by victor"
    )


def test_it_accepts_the_claim_at_the_current_disagreement_with_a(page: Page, disputed):
    sign_in(page, "victor")
    page.goto(f"/review/threads/{disputed['article'].pk}/")
    page.keyboard.press("n")
    page.keyboard.press("a")
    expect(page.locator("#tb-a .gold-lane a.chip")).to_contain_text("accepted from alice")
