"""Relations in a real Chromium, made as a person makes them: select a phrase, pick the claim
it answers and the relation's type by clicking (or with the form's keys), save, and read
"attacks #N" under the new claim."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotate.models import Relation
from tests.browser.test_workspace import select_with_mouse, sign_in
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    UserFactory,
)


@pytest.fixture
def argued(transactional_db):
    """alice's claim in a comment, and a reply to that comment she has not labelled yet."""
    alice = UserFactory(username="alice")
    corpus = CorpusFactory(slug="argued")
    article = ArticleFactory(corpus=corpus, title="Sanctions", body="Sanctions work.")
    top = CommentFactory(article=article, text="Sanctions never change minds.")
    reply = CommentFactory(article=article, parent=top, text="They changed South Africa's.")
    AssignmentFactory(annotator=alice, article=article)
    claim = ClaimFactory(
        annotator=alice, article=article, comment=top, start=0, end=28, quote=top.text[:28]
    )
    return {"article": article, "top": top, "reply": reply, "claim": claim}


def test_it_relates_a_new_claim_by_clicking(page, argued):
    reply, up = argued["reply"], argued["claim"]
    sign_in(page)
    page.goto(f"/threads/{argued['article'].pk}/")
    select_with_mouse(page, f"#tb-{reply.pk} .text", "They changed South Africa's")
    form = page.locator("#claim-form")
    expect(form).to_be_visible()
    form.locator("label.pill", has_text="oppose").click()
    form.locator("label.pill", has_text="attacks").click()
    form.locator(".relation-claims label", has_text=f"#{up.pk}").click()
    form.get_by_role("button", name=re.compile("Save")).click()

    under = page.locator(f"#tb-{reply.pk} .rels")
    expect(under).to_have_text(f"attacks #{up.pk}")
    expect(page.locator("#editor")).to_be_hidden()
    relation = Relation.objects.get()
    assert (relation.to_claim_id, relation.type.name) == (up.pk, "attack")
    assert relation.from_claim.quote == "They changed South Africa's"


def test_it_relates_a_claim_from_the_keyboard_and_removes_it(page, argued):
    reply, up = argued["reply"], argued["claim"]
    answer = ClaimFactory(
        annotator=up.annotator, article=argued["article"], comment=reply, start=0, end=4
    )
    sign_in(page)
    page.goto(f"/threads/{argued['article'].pk}/")
    page.locator(f"#claim-{answer.pk}").click()
    form = page.locator("#claim-form")
    expect(form.locator(".where")).to_contain_text(f"Claim #{answer.pk}")
    page.keyboard.press("1")  # the first claim listed under Relations
    page.keyboard.press("u")  # supports
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{reply.pk} .rels")).to_have_text(f"supports #{up.pk}")
    assert Relation.objects.get().type.name == "support"

    page.locator(f"#claim-{answer.pk}").click()
    form.get_by_role("button", name="Remove").click()
    expect(page.locator(f"#tb-{reply.pk} .rels")).to_have_count(0)
    assert not Relation.objects.exists()
