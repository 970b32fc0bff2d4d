"""The Jinja2 environment for the thread page's hot fragments (``templates/jinja2/``).

Pages are Django templates. The comment list of a 2,000-comment thread with 500 claims (the one
bench/thread_page.py builds) took the Django template language 540 ms to render, more than the
page's whole budget of 300 ms, and Jinja2, which compiles templates to Python, 68 ms (best of 10
runs on a 2-core machine at a load average of 5). So that list and the pieces it repeats (a text
with its claims, a reply-label control) are Jinja2 templates, rendered through Django's own
backend.

Autoescaping is on (the backend's default): every value is escaped unless it is ``Markup``.
Undefined names raise, so a fragment given the wrong context fails loudly instead of rendering
an empty string.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape


def url(name: str, *args: Any) -> str:
    """``{{ url("annotate:claim-edit", article_id, claim.pk) }}``, as ``{% url %}``."""
    return reverse(name, args=args)


def keep_cr(text: str) -> Markup:
    """Escape a stored text for an element's content, writing carriage returns as ``&#13;``.

    The HTML parser turns a literal CR (or CR LF) into LF, which would shift the code point
    offsets of everything after it; a character reference keeps the CR in the page's text.
    """
    return Markup(str(escape(text)).replace("\r", "&#13;"))


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    env.globals["url"] = url
    env.filters["keep_cr"] = keep_cr
    return env
