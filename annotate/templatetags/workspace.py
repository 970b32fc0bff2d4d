"""``{% jinja %}``: renders one of the thread page's Jinja2 fragments inside a Django template.

The fragments repeated for every comment (``templates/jinja2/annotate/``) are Jinja2 templates:
the Django template language alone takes more than the page's time budget to render them for a
2,000-comment thread (see config/jinja2.py). This tag is the only glue: it holds no markup.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **context: Any) -> SafeString:
    """Render the Jinja2 template ``template_name`` with ``context`` (and nothing else).

    ``{% jinja "annotate/_text_block.html" t=t article_id=article.pk %}``
    """
    html = engines["jinja2"].get_template(template_name).render(context)
    # Jinja2 escaped every value itself (autoescape on): its output is HTML to insert as is.
    return mark_safe(html)  # noqa: S308
