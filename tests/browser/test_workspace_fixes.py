"""The annotator's fixes in a real Chromium: a phone-width page, a claim made by touch, a
selection across two texts, undo after a delete, the warning and read-only state of a done
thread, and a big thread read to its end by scrolling (its comments load page by page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from annotate.models import Assignment, Claim, ReplyLabel
from tests.browser.test_workspace import select_with_mouse, sign_in
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    CommentFactory,
    CorpusFactory,
    UserFactory,
)
from threads.models import Comment


@pytest.fixture
def alice(transactional_db):
    return UserFactory(username="alice")


@pytest.fixture
def small(alice):
    corpus = CorpusFactory(slug="fixes")
    article = ArticleFactory(
        corpus=corpus,
        title="Sanctions",
        body="Sanctions never change minds, the article says, and it goes on at some length.",
    )
    top = CommentFactory(article=article, text="They changed mine: the facts were plain to see.")
    reply = CommentFactory(article=article, parent=top, text="Facts rarely change minds at all.")
    other = CommentFactory(article=article, text="A second top-level comment, unlabelled.")
    AssignmentFactory(annotator=alice, article=article)
    return {"article": article, "top": top, "reply": reply, "other": other}


@pytest.fixture
def new_page(chromium, live_server):
    """A page in a context of one's own (a phone, a touchscreen), failing on any JS error."""
    contexts = []
    errors: list[str] = []

    def make(**options) -> Page:
        context = chromium.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_it_fits_a_390_px_phone_without_sideways_scrolling(new_page, small):
    page = new_page(**PHONE)
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    expect(page.get_by_role("heading", name="Sanctions")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _touch_select(page: Page, selector: str, phrase: str) -> None:
    """What a long press and the selection handles do: a tap on the text, then a selection of
    the phrase made by the browser (here, through a Range), then the finger lifts."""
    page.locator(selector).tap()
    page.evaluate(
        """([selector, phrase]) => {
            const box = document.querySelector(selector);
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let node, at = -1;
            while ((node = walker.nextNode()) && (at = node.data.indexOf(phrase)) < 0);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + phrase.length);
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            box.dispatchEvent(new TouchEvent("touchend", {bubbles: true}));
        }""",
        [selector, phrase],
    )


def test_it_opens_the_claim_form_for_a_selection_made_by_touch(new_page, small):
    page = new_page(**PHONE)
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    reply = small["reply"]
    _touch_select(page, f"#tb-{reply.pk} .text", "rarely change minds")
    form = page.locator("#claim-form")
    expect(form).to_be_visible()
    expect(form.locator("q")).to_have_text("rarely change minds")
    form.locator("label.pill", has_text="oppose").tap()
    form.get_by_role("button", name=re.compile("Save")).tap()
    expect(page.locator(f"#tb-{reply.pk} mark.hl")).to_have_text("rarely change minds")
    assert Claim.objects.get().quote == "rarely change minds"


def test_it_says_so_when_a_selection_runs_across_two_texts(page, small):
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    top, reply = small["top"], small["reply"]
    start = page.evaluate(
        """(sel) => { const r = document.createRange(); const t = document.querySelector(sel);
                      r.setStart(t.firstChild, 0); r.setEnd(t.firstChild, 4);
                      const b = r.getBoundingClientRect();
                      return [b.left + 1, b.top + b.height / 2]; }""",
        f"#tb-{top.pk} .text",
    )
    end = page.evaluate(
        """(sel) => { const r = document.createRange(); const t = document.querySelector(sel);
                      r.setStart(t.firstChild, 0); r.setEnd(t.firstChild, 5);
                      const b = r.getBoundingClientRect();
                      return [b.right - 1, b.top + b.height / 2]; }""",
        f"#tb-{reply.pk} .text",
    )
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()
    expect(page.locator("#toast")).to_contain_text("runs across two")
    expect(page.locator("#editor")).to_be_hidden()
    assert not Claim.objects.exists()


def test_it_undoes_a_delete_from_the_notice(page, small):
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    reply = small["reply"]
    select_with_mouse(page, f"#tb-{reply.pk} .text", "change minds")
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("o")
    page.keyboard.press("Enter")
    mark = page.locator(f"#tb-{reply.pk} mark.hl")
    expect(mark).to_have_text("change minds")
    claim = Claim.objects.get()
    mark.click()
    page.locator("#claim-form").get_by_role("button", name="Delete").click()
    expect(mark).to_have_count(0)
    toast = page.locator("#toast")
    expect(toast).to_contain_text(f"Claim #{claim.pk} deleted.")
    toast.get_by_role("button", name="Undo").click()
    expect(mark).to_have_text("change minds")
    expect(page.locator(f"#claim-{claim.pk}")).to_be_visible()
    assert Claim.objects.get().pk == claim.pk
    expect(page.locator("#progress-count")).to_contain_text("1 / 3")


def test_it_warns_before_marking_done_and_then_keeps_the_thread_read_only(page, small, alice):
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Mark thread done").click()
    expect(page.locator("#assignment-status")).to_have_text("done")
    assert questions and questions[0].startswith("3 of 3 comments have no label yet.")
    assert Assignment.objects.get().status == "done"
    expect(page.locator("#workspace")).to_have_class(re.compile(r"\breadonly\b"))

    reply = small["reply"]
    select_with_mouse(page, f"#tb-{reply.pk} .text", "change minds")
    expect(page.locator("#toast")).to_contain_text("read-only")
    expect(page.locator("#editor")).to_be_hidden()
    page.locator(f"#c{reply.pk} > .chead .author").click()
    page.keyboard.press("2")
    expect(page.locator(f"#rl-{reply.pk} .rlb.on")).to_have_count(0)
    assert not Claim.objects.exists() and not ReplyLabel.objects.exists()

    page.get_by_role("button", name="Reopen thread").click()
    expect(page.locator("#workspace")).not_to_have_class(re.compile(r"\breadonly\b"))
    page.locator(f"#c{reply.pk} > .chead .author").click()
    page.keyboard.press("2")
    expect(page.locator(f"#rl-{reply.pk} .rlb.on")).to_have_text("deny")


def test_it_marks_a_fully_labelled_thread_done_without_asking(page, small):
    sign_in(page)
    page.goto(f"/threads/{small['article'].pk}/")
    questions: list[str] = []
    page.on("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    for comment in ("top", "reply", "other"):
        page.locator(f"#c{small[comment].pk} > .chead .author").click()
        page.keyboard.press("4")
        expect(page.locator(f"#rl-{small[comment].pk} .rlb.on")).to_have_text("comment")
    page.get_by_role("button", name="Mark thread done").click()
    expect(page.locator("#assignment-status")).to_have_text("done")
    assert questions == []


def test_it_reads_a_2000_comment_thread_to_its_end_by_scrolling(page, alice):
    from tests.annotate.bigthread import build_thread

    corpus = CorpusFactory(slug="big")
    article = ArticleFactory(corpus=corpus, body="A short article.")
    build_thread(article=article, comments=2000, claims=500, annotator=alice)
    AssignmentFactory(annotator=alice, article=article)
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    expect(page.locator(".comment")).to_have_count(100)  # the first page only
    end = page.locator("#thread-end")
    for _ in range(100):  # each scroll to the bottom reveals the marker of the next page
        if end.count():
            break
        page.mouse.wheel(0, 20_000)
        page.wait_for_timeout(150)
    expect(end).to_be_visible()
    expect(page.locator(".comment")).to_have_count(2000)
    # Later pages went into their parents' boxes: every reply sits inside its parent.
    nested = page.evaluate(
        """() => Array.from(document.querySelectorAll('.comment[data-depth="3"]')).every(
              (c) => c.parentElement.closest('.comment').dataset.depth === '2')"""
    )
    assert nested
    last = Comment.objects.filter(article=article).order_by("-position").first()
    select_with_mouse(page, f"#tb-{last.pk} .text", "some words")
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("o")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{last.pk} mark.hl")).to_have_text("some words")
    page.locator(f"#c{last.pk} > .chead .author").click()
    page.keyboard.press("1")
    expect(page.locator(f"#rl-{last.pk} .rlb.on")).to_have_text("support")
    assert ReplyLabel.objects.get().comment_id == last.pk


def test_it_moves_with_j_past_the_first_page(page, alice):
    from tests.annotate.bigthread import build_thread

    corpus = CorpusFactory(slug="bigj")
    article = ArticleFactory(corpus=corpus, body="A short article.")
    build_thread(article=article, comments=250, annotator=alice)
    AssignmentFactory(annotator=alice, article=article)
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    expect(page.locator(".comment")).to_have_count(100)
    last_loaded = Comment.objects.get(article=article, position=99)
    page.locator(f"#c{last_loaded.pk} > .chead .author").click()
    page.keyboard.press("j")
    after = Comment.objects.get(article=article, position=100)
    expect(page.locator(f"#c{after.pk}")).to_have_class(re.compile(r"\bcurrent\b"))
