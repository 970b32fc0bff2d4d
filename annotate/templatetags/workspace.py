"""The thread page's repeated markup (texts with highlights, comments, reply-label controls),
built in Python.

A 2,000-comment thread is about 100,000 template nodes when written as a Django template loop,
which takes seconds; the same markup built here takes a fraction of that. Every piece of user
text (comment and article text, authors, quotes, notes, label names) goes through ``_e`` (HTML
escaping, quotes included) before it is joined; nothing from the database is inserted raw.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from annotate.models import Assignment, AssignmentStatus, LabelValue, ReplyLabel
from annotate.selectors import CommentItem, TextView
from threads.models import Article, Comment

register = template.Library()


def _e(text: str) -> str:
    return escape(text, quote=True)


def _text(text: str) -> str:
    """Escape a stored text for an element's content, keeping carriage returns: the HTML parser
    turns a literal CR (or CR LF) into LF, which would shift every offset after it, but keeps
    the character reference."""
    return escape(text, quote=True).replace("\r", "&#13;")


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _edit_base(article_id: int) -> str:
    """The claim edit URL with the claim id left off (reversed once, not once per claim)."""
    return reverse("annotate:claim-edit", args=[article_id, 0])[: -len("0/")]


def text_block_html(t: TextView, *, edit_base: str) -> str:
    """One text: its segments (a <mark> per run inside claims, the innermost claim's stance
    colour on top) and the list of its claims. ``data-top`` names the claim a click edits."""
    parts = [f'<div class="tb" id="tb-{t.key}"><div class="text" data-text="{t.key}">']
    for segment in t.segments:
        if segment.claims:
            top = segment.top
            assert top is not None
            overlap = " ov" if len(segment.claims) > 1 else ""
            parts.append(
                f'<mark class="hl v{top.stance_id}{overlap}" data-claims="{segment.ids}" '
                f'data-top="{top.pk}">{_text(segment.text)}</mark>'
            )
        else:
            parts.append(_text(segment.text))
    parts.append("</div>")
    if t.claims:
        parts.append('<ul class="claims">')
        for claim in t.claims:
            url = f"{edit_base}{claim.pk}/"
            if claim.target_claim_id:
                target = f"#{claim.target_claim_id}"
            else:
                target = _e(claim.stance_target.name) if claim.stance_target else ""
            kind = (
                "" if claim.claim_type.name == "claim" else f" <i>{_e(claim.claim_type.name)}</i>"
            )
            note = f' <span class="note" title="{_e(claim.note)}">✎</span>' if claim.note else ""
            parts.append(
                f'<li><a class="chip v{claim.stance_id}" id="claim-{claim.pk}" '
                f'data-claim="{claim.pk}" href="{url}" hx-get="{url}" hx-target="#editor">'
                f'<span class="cid">#{claim.pk}</span> <b>{_e(claim.stance.name)}</b> '
                f'<span class="arrow">→</span> {target}{kind} '
                f"<q>{_e(_truncate(claim.quote, 70))}</q>{note}</a></li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


class ReplyButtons:
    """The reply-label buttons, built once per page and reused for every comment.

    Each comment's control is a small form: the clicked button's name and value go with the
    htmx POST (``label`` = a value id; the chosen one carries an empty value, so clicking it
    again clears the label). Keyboard keys are looked up by the value's class (``v<id>``).
    """

    def __init__(self, values: Iterable[LabelValue], *, url: str) -> None:
        self.url = url
        self.off = {}
        self.on = {}
        self.order = []
        for v in values:
            self.order.append(v.pk)
            name = _e(v.name)
            self.off[v.pk] = (
                f'<button class="rlb v{v.pk}" name="label" value="{v.pk}" '
                f'aria-pressed="false">{name}</button>'
            )
            self.on[v.pk] = (
                f'<button class="rlb v{v.pk} on" name="label" value="" '
                f'aria-pressed="true">{name}</button>'
            )

    def html(self, comment: Comment, current: ReplyLabel | None, error: str = "") -> str:
        chosen = current.label_id if current is not None else None
        buttons = "".join(self.on[pk] if pk == chosen else self.off[pk] for pk in self.order)
        error_html = f'<span class="error">{_e(error)}</span>' if error else ""
        return (
            f'<form class="rl" id="rl-{comment.pk}" hx-post="{self.url}" hx-target="this" '
            f'hx-swap="outerHTML" aria-label="Reply label">'
            f'<input type="hidden" name="comment" value="{comment.pk}">'
            f'<span class="rl-to">to {"parent" if comment.depth else "article"}:</span>'
            f"{buttons}{error_html}</form>"
        )


def reply_control_html(
    comment: Comment,
    current: ReplyLabel | None,
    values: Iterable[LabelValue],
    *,
    url: str,
    error: str = "",
) -> str:
    """The reply-label control of one comment (see :class:`ReplyButtons`)."""
    return ReplyButtons(values, url=url).html(comment, current, error)


_TOGGLE = (
    '<button type="button" class="toggle" aria-expanded="true" '
    'title="Collapse or expand the replies (x)"><span class="tw" aria-hidden="true"></span>'
    '<span class="sr">Toggle replies</span></button>'
)
_NO_TOGGLE = '<span class="toggle-pad"></span>'
_CLOSE = "</div></article>"


def comment_list_html(
    items: Iterable[CommentItem], *, article_id: int, reply_values: list[LabelValue], reply_url: str
) -> str:
    """Every comment in display order, each box left open for its replies and closed after
    its last descendant, so the page nests like the thread (rails drawn by CSS)."""
    edit_base = _edit_base(article_id)
    buttons = ReplyButtons(reply_values, url=reply_url)
    parts = []
    for item in items:
        c = item.comment
        n = item.descendants
        folded = (
            f'<span class="folded">{n} repl{"y" if n == 1 else "ies"} hidden</span>' if n else ""
        )
        depth = f" · ↳{c.depth}" if c.depth else ""
        parts.append(
            f'<article class="comment node" id="c{c.pk}" data-key="{c.pk}" '
            f'data-depth="{c.depth}" tabindex="-1"><header class="chead">'
            f"{_TOGGLE if n else _NO_TOGGLE}"
            f'<span class="author">{_e(c.author or "anonymous")}</span>'
            f'<span class="pos">#{c.position + 1}{depth}</span>{folded}'
            f"{buttons.html(c, item.reply_label)}</header>"
            f"{text_block_html(item.text, edit_base=edit_base)}"
            f'<div class="replies">{_CLOSE * item.closes}'
        )
    return "".join(parts)


def progress_html(*, assignment: Assignment, labelled: int, total: int, oob: bool = False) -> str:
    """The progress bar and the count and status under it (in the status panel)."""
    ratio = round(labelled / (total or 1) * 100)  # as {% widthratio %} rounds
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<div class="progress" id="progress-bar"{swap} role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="{total}" aria-valuenow="{labelled}"><span style="width:{ratio}%">'
        "</span></div>\n"
        f'  <p class="progress-text" id="progress-text"{swap}><b id="progress-count">'
        f"{labelled} / {total}</b> comments labelled · "
        f'<span class="badge st-{_e(assignment.status)}" id="assignment-status">'
        f"{_e(assignment.get_status_display())}</span></p>"
    )


def status_html(
    *,
    article_id: int,
    assignment: Assignment,
    labelled: int,
    total: int,
    csrf_input: str,
    oob: bool = False,
) -> str:
    """The progress and status panel (the page's side panel, and out of band after a reply
    label)."""
    url = reverse("annotate:assignment-status", args=[article_id])
    if assignment.status == AssignmentStatus.DONE:
        action = (
            '<input type="hidden" name="status" value="in_progress"><button type="submit" '
            'class="secondary">Reopen thread</button> <a class="button primary" '
            f'href="{reverse("annotate:next")}">Open next</a>\n    '
        )
    else:
        action = (
            '<input type="hidden" name="status" value="done"><button type="submit" '
            'class="primary" id="mark-done">Mark thread done</button>'
        )
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<section class="card status" id="status"{swap}>\n'
        "  <h2>Progress</h2>\n  "
        f"{progress_html(assignment=assignment, labelled=labelled, total=total)}\n"
        f'  <form hx-post="{url}" hx-target="#status" hx-swap="outerHTML" method="post" '
        f'action="{url}">{csrf_input}\n    {action}\n  </form>\n</section>'
    )


_CLOSED_EDITOR = (
    '<div id="editor" class="editor" role="dialog" aria-label="Claim" hidden '
    'hx-swap-oob="true"></div>'
)


def saved_html(
    *, text: TextView, article_id: int, assignment: Assignment, labelled: int, total: int
) -> str:
    """What a claim save returns: the text with its claims, and, out of band, a closed editor
    and the progress. Built here rather than by the template engine, as every save returns it.

    Only the progress part of the status panel: its form (mark done, or reopen) is the same
    before and after a claim is saved, and leaving it out spares a fresh CSRF token a save.
    """
    return (
        text_block_html(text, edit_base=_edit_base(article_id))
        + _CLOSED_EDITOR
        + progress_html(assignment=assignment, labelled=labelled, total=total, oob=True)
    )


@register.simple_tag(takes_context=True)
def status_panel(
    context: template.Context,
    article: Article,
    assignment: Assignment,
    labelled: int,
    total: int,
    oob: bool = False,
) -> SafeString:
    html = status_html(
        article_id=article.pk,
        assignment=assignment,
        labelled=labelled,
        total=total,
        csrf_input=csrf_input(context.request),  # type: ignore[attr-defined]
        oob=bool(oob),
    )
    return mark_safe(html)  # noqa: S308 - built above, the status escaped


@register.simple_tag
def comment_list(
    items: list[CommentItem], article: Article, reply_values: list[LabelValue], reply_url: str
) -> SafeString:
    html = comment_list_html(
        items, article_id=article.pk, reply_values=reply_values, reply_url=reply_url
    )
    return mark_safe(html)  # noqa: S308 - built above with every user string escaped


@register.simple_tag
def text_block(t: TextView, article: Article) -> SafeString:
    return mark_safe(text_block_html(t, edit_base=_edit_base(article.pk)))  # noqa: S308


@register.simple_tag
def reply_control(
    comment: Comment,
    current: ReplyLabel | None,
    values: list[LabelValue],
    url: str,
    error: str = "",
) -> SafeString:
    html = reply_control_html(comment, current, values, url=url, error=error)
    return mark_safe(html)  # noqa: S308 - built above with every user string escaped
