"""The thread page in a real browser: DOMContentLoaded of a big thread, and five `j` presses.

Starts its own server (``manage.py runserver --noreload``, DEBUG on so it serves the static
files) on a scratch SQLite database in a temporary folder, fills it in this process (the demo
thread, and a thread of ``--comments`` comments with a claim on every fourth), then drives
Debian's Chromium with Playwright:

- DOMContentLoaded of the big thread page (Navigation Timing, ``--loads`` loads, median);
- the time of five `j` presses, from the first press until the fifth comment is current;
- with ``--screenshots``: ``docs/screenshot-thread.png``, the demo thread with a few claims
  and the claim form open, at 1280x800 (the README's picture).

Nothing here is a test: it prints figures. Run:

    .venv/bin/python bench/browser.py [--comments 10000] [--loads 5] [--screenshots]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(comments: int) -> dict[str, int]:
    """The demo thread with a few of alice's claims, and a big thread: returns their ids."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from annotate.exchange import threads_import
    from annotate.models import Assignment, LabelKind, LabelValue
    from annotate.services.claims import claim_create
    from annotate.services.corpora import corpus_create
    from annotate.services.reply_labels import reply_label_set
    from tests.annotate.bigthread import build_thread
    from threads.models import Article, Comment

    alice = User.objects.create_user("alice", password=PASSWORD)
    threads_import(corpus_slug="demo", paths=[ROOT / "examples" / "russia-israel-thread.txt"])
    demo = Article.objects.get(corpus__slug="demo")
    Assignment.objects.create(annotator=alice, article=demo)
    corpus = demo.corpus
    corpus.guidelines = (
        "**Claims** are statements put forward as true. Mark the shortest span that holds "
        "the whole claim.\n\n"
        "- *support* / *oppose*: toward the article's thesis or the comment replied to\n"
        "- target an earlier claim when the comment answers that claim\n\n"
        "Label every reply: does it support, deny, query or just comment on its parent?"
    )
    corpus.save()
    value = {(v.kind, v.name): v for v in LabelValue.objects.filter(corpus=corpus)}
    deep = Comment.objects.filter(article=demo, depth=2).order_by("position").first()
    assert deep is not None and deep.parent is not None and deep.parent.parent is not None
    chain = [deep.parent.parent, deep.parent, deep]

    def claim(comment, words, stance, **target):
        text = comment.text
        end = len(" ".join(text.split(" ")[:words]))
        return claim_create(
            annotator=alice, article=demo, comment=comment, start=0, end=end,
            quote=text[:end], claim_type=value[(LabelKind.CLAIM_TYPE, "claim")],
            stance=value[(LabelKind.STANCE, stance)], **target,
        )  # fmt: skip

    top = claim(chain[0], 9, "support", stance_target=value[(LabelKind.STANCE_TARGET, "thesis")])
    claim(chain[1], 7, "oppose", target_claim=top)
    for comment, name in zip(chain, ["support", "deny", "support"], strict=True):
        reply_label_set(
            annotator=alice, comment=comment, label=value[(LabelKind.REPLY_LABEL, name)]
        )

    big_corpus = corpus_create(slug="big", title="Big")
    big = Article.objects.create(
        corpus=big_corpus, external_id="big", title="A big thread", body="The thesis. " * 40
    )
    build_thread(article=big, comments=comments, claims=comments // 4, annotator=alice)
    Assignment.objects.create(annotator=alice, article=big)
    return {"demo": demo.pk, "big": big.pk, "deep": deep.pk}


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Your threads")


def select_phrase(page, selector: str, phrase: str) -> None:
    """Drag the mouse over ``phrase`` in the text box ``selector``, as a person would."""
    page.locator(selector).scroll_into_view_if_needed()
    first, last = page.evaluate(
        """([selector, phrase]) => {
            const node = document.querySelector(selector).lastChild;
            const i = node.data.indexOf(phrase);
            const rect = (k) => { const r = document.createRange(); r.setStart(node, k);
                                  r.setEnd(node, k + 1); return r.getClientRects()[0]; };
            const a = rect(i), b = rect(i + phrase.length - 1);
            return [[a.left + 1, a.top + a.height / 2], [b.right - 1, b.top + b.height / 2]];
        }""",
        [selector, phrase],
    )
    page.mouse.move(*first)
    page.mouse.down()
    page.mouse.move(*last, steps=8)
    page.mouse.up()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--screenshots", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="threadlab-browser-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "createcachetable"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    ids = build(args.comments)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        run(args, base, ids)
    finally:
        server.terminate()
        server.wait()


def run(args: argparse.Namespace, base: str, ids: dict[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base)
        page = context.new_page()
        sign_in(page)
        url = f"/threads/{ids['big']}/"
        page.goto(url)  # warm up: templates compiled, static files cached
        loads = []
        for _ in range(args.loads):
            page.goto(url)
            loads.append(
                page.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
            )
        html = page.evaluate("document.documentElement.outerHTML.length")
        print(
            f"thread of {args.comments} comments: DOMContentLoaded median "
            f"{statistics.median(loads):.0f} ms over {args.loads} loads "
            f"(min {min(loads):.0f}, max {max(loads):.0f}); "
            f"{page.locator('.comment').count()} comments in the first response, "
            f"{html / 1024:.0f} KiB of DOM as HTML"
        )
        started = time.perf_counter()
        for _ in range(5):
            page.keyboard.press("j")
        expect(page.locator(".comment.current")).to_have_count(1)
        expect(page.locator(".node").nth(4)).to_have_class("comment node current")
        print(f"five j presses: {(time.perf_counter() - started) * 1000:.0f} ms")

        if args.screenshots:
            page.goto(f"/threads/{ids['demo']}/")
            page.evaluate("document.querySelector('.comments .comment').scrollIntoView()")
            page.mouse.wheel(0, -90)
            page.wait_for_timeout(150)
            text = page.evaluate(f"document.querySelector('#tb-{ids['deep']} .text').textContent")
            words = text.split()
            phrase = " ".join(words[len(words) // 2 : len(words) // 2 + 5])
            select_phrase(page, f"#tb-{ids['deep']} .text", phrase)
            expect(page.locator("#claim-form")).to_be_visible()
            page.keyboard.press("o")
            page.wait_for_timeout(200)
            shot = ROOT / "docs" / "screenshot-thread.png"
            shot.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(shot))
            print(f"wrote {shot.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
