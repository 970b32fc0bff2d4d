"""The Content-Security-Policy in a real Chromium: every kind of page loads without the browser
reporting a violation (an inline script, an inline style, eval, a foreign source), and the pages
still work under it (a reply label saved with a click, Swagger UI drawn)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from annotate.models import LabelKind, ReplyLabel
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    AssignmentFactory,
    ClaimFactory,
    CommentFactory,
    CorpusFactory,
    ReplyLabelFactory,
    UserFactory,
    label,
)


@pytest.fixture
def site(transactional_db):
    """A corpus with one thread that alice and bob labelled, assigned to the admin too."""
    corpus = CorpusFactory(slug="demo", title="Demo corpus")
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    article = ArticleFactory(corpus=corpus, title="Do sanctions work?", body="Sanctions work.")
    first = CommentFactory(article=article, text="They never did.")
    reply = CommentFactory(article=article, parent=first, text="Source?")
    for who in (alice, bob, admin):
        AssignmentFactory(annotator=who, article=article, status="done" if who != admin else "todo")
    ClaimFactory(annotator=alice, article=article, start=0, end=9, quote="Sanctions")
    ClaimFactory(
        annotator=bob,
        article=article,
        start=0,
        end=9,
        quote="Sanctions",
        stance=label(corpus, LabelKind.STANCE, "oppose"),
    )
    for who in (alice, bob):
        ReplyLabelFactory(annotator=who, comment=first)
    return {"corpus": corpus, "article": article, "first": first, "reply": reply}


@pytest.fixture
def violations(page: Page) -> list[str]:
    """What the browser reports about the policy, as it reports it: on the console."""
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    return found


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def visit(page: Page, path: str) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == 200, path
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_thread_page_saves_a_reply_label_without_a_violation(page, site, violations):
    sign_in(page)
    reply = site["reply"]
    visit(page, f"/threads/{site['article'].pk}/")
    page.locator(f"#rl-{reply.pk} .rlb", has_text="deny").click()
    expect(page.locator(f"#rl-{reply.pk} .rlb.on")).to_have_text("deny")
    assert ReplyLabel.objects.get(comment=reply).label.name == "deny"
    # The label colours come from the <style> block that carries the response's nonce.
    colour = page.locator(f"#rl-{reply.pk} .rlb.on").evaluate(
        "b => getComputedStyle(b).getPropertyValue('--c').trim()"
    )
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    assert violations == []


def test_the_review_and_agreement_pages_load_without_a_violation(page, site, violations):
    sign_in(page)
    visit(page, f"/review/threads/{site['article'].pk}/")
    expect(page.locator(".lane").first).to_be_visible()
    visit(page, f"/corpora/{site['corpus'].slug}/agreement/")
    visit(page, f"/corpora/{site['corpus'].slug}/progress/")
    visit(page, "/")
    visit(page, "/profile/")
    assert violations == []


def test_the_admin_loads_without_a_violation(page, site, violations):
    sign_in(page)
    visit(page, "/admin/")
    visit(page, "/admin/threads/article/")
    visit(page, f"/admin/threads/article/{site['article'].pk}/change/")
    expect(page.locator(f"#comment-{site['reply'].pk}")).to_be_visible()
    visit(page, "/admin/axes/accessattempt/")
    assert violations == []


def test_the_api_docs_draw_without_a_violation(page, site, violations):
    sign_in(page)
    visit(page, "/api/docs/")
    expect(page.get_by_text("Threadlab API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []
