"""The annotator workspace in a real Chromium, used as a person would: sign in, select text with
the mouse, label from the keyboard, and see what the page then shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotate.models import Assignment, Claim, LabelKind, ReplyLabel
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    AssignmentFactory,
    CommentFactory,
    CorpusFactory,
    UserFactory,
    label,
)
from threads.models import Article, Comment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "russia-israel-thread.txt"


def _demo_article() -> Article:
    """The example thread, imported as `make run` does, or an equivalent one from factories."""
    try:
        from annotate.exchange import threads_import

        threads_import(corpus_slug="demo", paths=[EXAMPLE])
        return Article.objects.get(corpus__slug="demo")
    except ImportError:  # pragma: no cover - only before the import service exists
        corpus = CorpusFactory(slug="demo", title="Demo")
        article = ArticleFactory(corpus=corpus, title="A Growing Russian-Israeli Alliance?")
        parent = None
        for depth in range(4):
            parent = CommentFactory(
                article=article, parent=parent, text=f"Reply at depth {depth}: it is so."
            )
        return article


@pytest.fixture
def alice(transactional_db):
    return UserFactory(username="alice")


@pytest.fixture
def demo(alice):
    article = _demo_article()
    AssignmentFactory(annotator=alice, article=article)
    deep = Comment.objects.filter(article=article, depth=2).order_by("position").first()
    return {"article": article, "deep": deep}


def sign_in(page: Page, username: str = "alice") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your threads")).to_be_visible()


def select_with_mouse(page: Page, box_selector: str, phrase: str) -> None:
    """Drag the mouse from the first character of ``phrase`` to its last, as a person would.

    Only the characters' positions on screen are read from the page; the selection itself is
    made by the mouse, and the page's own script turns it into offsets.
    """
    page.locator(box_selector).scroll_into_view_if_needed()
    rects = page.evaluate(
        """([selector, phrase]) => {
            const box = document.querySelector(selector);
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let text = "", nodes = [];
            while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]);
                                        text += walker.currentNode.data; }
            const at = (i) => {  // DOM position of UTF-16 index i
                for (let k = nodes.length - 1; k >= 0; k--)
                    if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]];
            };
            const rectOf = (i, len) => {
                const r = document.createRange(); const [n, o] = at(i);
                r.setStart(n, o); r.setEnd(n, o + len); const b = r.getClientRects()[0];
                return {left: b.left, right: b.right, y: b.top + b.height / 2};
            };
            const i = text.indexOf(phrase);
            if (i < 0) throw new Error("phrase not found: " + phrase);
            const lastLen = /[\\udc00-\\udfff]/.test(phrase[phrase.length - 1]) ? 2 : 1;
            return [rectOf(i, 1), rectOf(i + phrase.length - lastLen, lastLen)];
        }""",
        [box_selector, phrase],
    )
    first, last = rects
    page.mouse.move(first["left"] + 1, first["y"])
    page.mouse.down()
    page.mouse.move(last["right"] - 1, last["y"], steps=8)
    page.mouse.up()


def test_it_labels_a_deep_reply_from_sign_in_to_done(page, demo, alice):
    article, deep = demo["article"], demo["deep"]
    corpus = article.corpus
    sign_in(page)
    row = page.locator(f"#assignment-{article.pk}")
    total = Comment.objects.filter(article=article).count()
    expect(row).to_contain_text(f"0 / {total}")
    page.get_by_role("link", name=re.compile("Open next")).click()
    expect(page.get_by_role("heading", name=article.title)).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    phrase = " ".join(deep.text.split()[1:4])
    select_with_mouse(page, f"#tb-{deep.pk} .text", phrase)
    form = page.locator("#claim-form")
    expect(form).to_be_visible()
    expect(form.locator("q")).to_have_text(phrase)
    page.keyboard.press("o")  # oppose
    expect(form.locator("input[name=stance]:checked + span")).to_contain_text("oppose")
    page.keyboard.press("Enter")

    mark = page.locator(f"#tb-{deep.pk} mark.hl")
    expect(mark).to_have_text(phrase)
    expect(page.locator("#editor")).to_be_hidden()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    claim = Claim.objects.get()
    assert (claim.comment_id, claim.quote, claim.stance.name) == (deep.pk, phrase, "oppose")
    assert deep.text[claim.start : claim.end] == phrase
    expect(page.locator("#progress-count")).to_have_text(f"1 / {total}")

    page.reload()
    expect(mark).to_have_text(phrase)

    mark.click()
    expect(form.locator(".where")).to_contain_text(f"Claim #{claim.pk}")
    page.keyboard.press("s")  # support
    page.keyboard.press("Enter")
    support = label(corpus, LabelKind.STANCE, "support")
    expect(mark).to_have_class(re.compile(rf"\bv{support.pk}\b"))
    claim.refresh_from_db()
    assert claim.stance == support

    mark.click()
    form.get_by_role("button", name="Delete").click()
    expect(mark).to_have_count(0)
    assert not Claim.objects.exists()

    page.locator(f"#c{deep.pk} > .chead .author").click()  # make it the current comment
    page.keyboard.press("2")  # deny
    expect(page.locator(f"#rl-{deep.pk} .rlb.on")).to_have_text("deny")
    assert ReplyLabel.objects.get().label.name == "deny"

    page.once("dialog", lambda dialog: dialog.accept())  # "29 of 30 comments have no label"
    page.get_by_role("button", name="Mark thread done").click()
    expect(page.locator("#assignment-status")).to_have_text("done")
    assert Assignment.objects.get().status == "done"

    page.get_by_role("link", name="Dashboard").first.click()
    expect(row).to_contain_text(f"1 / {total}")
    expect(row).to_contain_text("done")


@pytest.fixture
def emoji_thread(alice):
    corpus = CorpusFactory(slug="emoji")
    article = ArticleFactory(corpus=corpus, title="Emoji", body="An article.")
    top = CommentFactory(article=article, text="Top level.")
    comment = CommentFactory(
        article=article, parent=top, text="Before 😀 we say 𝕏 marks the 🚀 spot, then more."
    )
    AssignmentFactory(annotator=alice, article=article)
    return {"article": article, "comment": comment}


def test_it_saves_code_point_offsets_across_non_bmp_characters(page, emoji_thread):
    article, comment = emoji_thread["article"], emoji_thread["comment"]
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    phrase = "𝕏 marks the 🚀"
    select_with_mouse(page, f"#tb-{comment.pk} .text", phrase)
    expect(page.locator("#claim-form q")).to_have_text(phrase)
    page.keyboard.press("n")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{comment.pk} mark.hl")).to_have_text(phrase)
    claim = Claim.objects.get()
    start = comment.text.index(phrase)
    assert (claim.start, claim.end, claim.quote) == (start, start + len(phrase), phrase)
    assert (claim.start, claim.end) == (16, 29)  # code points; in UTF-16 units: (17, 32)


def test_it_keeps_offsets_right_after_a_carriage_return(page, alice):
    corpus = CorpusFactory(slug="crlf")
    article = ArticleFactory(corpus=corpus, body="Body.")
    comment = CommentFactory(article=article, text="Line one.\r\nLine two 😀 has the claim.")
    AssignmentFactory(annotator=alice, article=article)
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    select_with_mouse(page, f"#tb-{comment.pk} .text", "has the claim")
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("s")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{comment.pk} mark.hl")).to_have_text("has the claim")
    claim = Claim.objects.get()
    assert comment.text[claim.start : claim.end] == "has the claim"


def test_it_says_so_when_the_session_has_ended(page, emoji_thread):
    article, comment = emoji_thread["article"], emoji_thread["comment"]
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    page.context.clear_cookies()
    select_with_mouse(page, f"#tb-{comment.pk} .text", "marks the")
    expect(page.locator("#toast")).to_contain_text("signed out")
    expect(page.locator("#editor")).to_be_hidden()
    expect(page.get_by_role("heading", name="Emoji")).to_be_visible()


def test_it_moves_between_comments_and_shows_the_shortcuts(page, emoji_thread):
    article = emoji_thread["article"]
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    page.keyboard.press("j")
    expect(page.locator("#post")).to_have_class(re.compile("current"))
    page.keyboard.press("j")
    expect(page.locator(".comment").first).to_have_class(re.compile("current"))
    page.keyboard.press("k")
    expect(page.locator("#post")).to_have_class(re.compile("current"))
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()


def test_it_labels_a_claim_with_the_keyboard_alone(page, emoji_thread):
    article, comment = emoji_thread["article"], emoji_thread["comment"]
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    page.evaluate("window.notReloaded = true")
    for _ in range(3):  # the article, the top-level comment, its reply
        page.keyboard.press("j")
    expect(page.locator(f"#c{comment.pk}")).to_have_class(re.compile("current"))
    page.keyboard.press("Enter")  # selects the comment's whole text
    page.keyboard.press("Alt+Shift+ArrowRight")  # start: one character later
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")  # end: five characters earlier
    page.keyboard.press("Enter")  # opens the claim form
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("o")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{comment.pk} mark.hl")).to_have_count(1)
    claim = Claim.objects.get()
    expected = comment.text[1:-5].rstrip()  # white space at the edges is left out
    assert claim.quote == expected
    assert (claim.start, claim.end) == (1, 1 + len(expected))
    expect(page.locator("#editor")).to_be_hidden()  # the form has closed: on to the next key
    page.keyboard.press("2")  # and a reply label on the same comment
    expect(page.locator(f"#rl-{comment.pk} .rlb.on")).to_have_text("deny")
    assert page.evaluate("window.notReloaded")  # all of it without a page load


def test_it_collapses_and_expands_a_subtree(page, emoji_thread):
    article, comment = emoji_thread["article"], emoji_thread["comment"]
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    reply = page.locator(f"#c{comment.pk}")
    expect(reply).to_be_visible()
    page.locator(".comment .toggle").first.click()
    expect(reply).to_be_hidden()
    page.locator(".comment .toggle").first.click()
    expect(reply).to_be_visible()


def test_it_stays_usable_with_2000_comments(page, alice):
    from tests.annotate.bigthread import build_thread

    corpus = CorpusFactory(slug="big")
    article = ArticleFactory(corpus=corpus, body="A short article.")
    build_thread(article=article, comments=2000, claims=500, annotator=alice)
    AssignmentFactory(annotator=alice, article=article)
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    # How fast is for bench/browser.py to print; here: it all works at this size. The rest of
    # the thread loads as it scrolls (tests/browser/test_workspace_fixes.py reads it to its end).
    expect(page.locator(".comment")).to_have_count(100)
    for _ in range(5):
        page.keyboard.press("j")
    expect(page.locator(".comment.current")).to_have_count(1)
    last = Comment.objects.filter(article=article, position=99).get()
    select_with_mouse(page, f"#tb-{last.pk} .text", "some words")
    expect(page.locator("#claim-form")).to_be_visible()
    page.keyboard.press("o")
    page.keyboard.press("Enter")
    expect(page.locator(f"#tb-{last.pk} mark.hl")).to_have_text("some words")


def test_it_escapes_comment_text(page, alice):
    corpus = CorpusFactory(slug="xss")
    article = ArticleFactory(corpus=corpus, body="Body.")
    CommentFactory(article=article, text='<img src=x onerror="window.__pwned=1"><b>bold</b>')
    AssignmentFactory(annotator=alice, article=article)
    sign_in(page)
    page.goto(f"/threads/{article.pk}/")
    expect(page.locator(".comment .text")).to_contain_text("<b>bold</b>")
    assert page.evaluate("window.__pwned") is None
