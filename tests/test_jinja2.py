"""The Jinja2 environment of the thread page's fragments (config/jinja2.py)."""

from __future__ import annotations

import pytest
from django.template import engines
from jinja2 import UndefinedError

from config.jinja2 import keep_cr


def _render(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_it_escapes_every_value():
    assert _render("<p title='{{ x }}'>{{ x }}</p>", x="<b>'&\"") == (
        "<p title='&lt;b&gt;&#39;&amp;&#34;'>&lt;b&gt;&#39;&amp;&#34;</p>"
    )


def test_it_writes_carriage_returns_in_a_text_as_character_references():
    assert keep_cr("<b>One</b>\r\nTwo\r") == "&lt;b&gt;One&lt;/b&gt;&#13;\nTwo&#13;"


def test_it_does_not_escape_a_kept_text_twice():
    assert _render("{{ t|keep_cr }}", t="a &amp;\rb") == "a &amp;amp;&#13;b"


def test_it_reverses_urls_as_the_url_tag_does():
    assert _render('{{ url("annotate:claim-edit", 3, 7) }}') == "/threads/3/claims/7/"


def test_it_refuses_to_render_a_fragment_without_its_context():
    template = engines["jinja2"].get_template("annotate/_comment_list.html")
    with pytest.raises(UndefinedError):
        template.render({})
