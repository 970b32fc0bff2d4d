"""Security headers on the pages: the Content-Security-Policy, and pages that need no inline
script or style under it (the browser tests in tests/browser/test_csp.py load them for real)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, ClaimFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=", re.I)
HANDLER_ATTRIBUTE = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)=", re.I)


def test_a_page_carries_the_policy(client, alice):
    client.force_login(alice)
    response = client.get(reverse("annotate:home"))
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_the_thread_pages_style_block_carries_the_responses_nonce(client, thread, alice):
    client.force_login(alice)
    response = client.get(reverse("annotate:thread", args=[thread["article"].pk]))
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode())
    assert nonce is not None
    policy = directives(response["Content-Security-Policy"])
    assert policy == POLICY | {"style-src": f"'self' 'nonce-{nonce[1]}'"}


def pages(thread, corpus) -> list[str]:
    article = thread["article"]
    return [
        reverse("annotate:home"),
        reverse("annotate:thread", args=[article.pk]),
        reverse("annotate:review-thread", args=[article.pk]),
        reverse("annotate:progress", args=[corpus.slug]),
        reverse("annotate:agreement", args=[corpus.slug]),
        reverse("annotate:profile"),
        reverse("admin:threads_article_change", args=[article.pk]),
    ]


def test_no_page_has_inline_script_style_attributes_or_event_handlers(
    client, thread, corpus, admin_user, alice
):
    AssignmentFactory(annotator=admin_user, article=thread["article"])
    ClaimFactory(annotator=alice, article=thread["article"], comment=thread["c1"])
    client.force_login(admin_user)
    for url in pages(thread, corpus):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not STYLE_ATTRIBUTE.search(html), url
        assert not HANDLER_ATTRIBUTE.search(html), url


def test_the_api_docs_alone_allow_data_images_for_swagger_ui(client, rita):
    client.force_login(rita)
    docs = client.get(reverse("api:docs"))
    assert "img-src 'self' data:" in docs["Content-Security-Policy"]
    script = client.get(reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    html = docs.content.decode()
    assert not INLINE_SCRIPT.search(html) and "<style" not in html
