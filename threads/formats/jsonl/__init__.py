"""JSON Lines: one thread a line, for import and for the labelled export.

A line (DESIGN.md "Import formats" and "Export")::

    {"id", "title", "body", "author"?, "url"?, "created_at"?, "meta"?,
     "comments": [{"id", "parent_id", "author"?, "text", "created_at"?, "meta"?}],
     "annotations"?: {"claims": [...], "reply_labels": [...]},
     "gold"?: {"claims": [...], "reply_labels": [...]}}

Reading streams line by line; blank lines are skipped; comments may come in any
order (``tree.order_comments`` orders them, and reports a ``parent_id`` naming
no comment and reply cycles). Ids may be strings or integers and become
strings. Times are ISO 8601; a time without an offset is UTC. Annotations and
gold come back as the plain dicts of the export, each claim with exactly the
keys of ``CLAIM_KEYS`` (``note`` defaults to "", times to null), after checks:
required keys and types, ``0 <= start < end <= len(text)`` and ``text`` equal
to that span of the comment (or article body), ``comment_id`` naming a comment
of the line (or null for the body; a reply label needs a comment), claim ids
unique within their section, and a ``{"claim": id}`` target naming another
claim of the same annotator in the same section (annotations or gold; a gold
claim may target any gold claim). A claim's ``relations`` are
``[{"type", "claim"}]``, each naming another claim of the same annotator (gold:
any gold claim) in the same section, once per type; its ``attributes`` a flat
object of names to strings. Gold claims and reply labels also carry
``"settled_by"`` (the reviewer who settled it; the annotator when missing) and
``"source"`` (the annotator it was accepted from, or null when the reviewer drew
it): ``GOLD_CLAIM_KEYS`` and ``GOLD_REPLY_LABEL_KEYS``; so do gold relations
(``GOLD_RELATION_KEYS``; ``settled_by`` null when missing: its claim's).

Every error is a FormatError with the file, the line and the thread id; values no
database stores (NaN, Infinity, NUL, lone surrogates) and a URL that is not http(s)
are refused by ``records.record_checked``, naming the field.
"""

from threads.formats.jsonl.keys import (
    CLAIM_KEYS,
    GOLD_CLAIM_KEYS,
    GOLD_RELATION_KEYS,
    GOLD_REPLY_LABEL_KEYS,
    PROVENANCE_KEYS,
    RELATION_KEYS,
    REPLY_LABEL_KEYS,
    SUPPORTED_TOWARD,
)
from threads.formats.jsonl.labels import check_labels
from threads.formats.jsonl.reading import parse_line, read, thread_from_dict
from threads.formats.jsonl.writing import (
    _encode,
    dumps_line,
    dumps_thread,
    labels_to_dict,
    thread_to_dict,
    write,
)

__all__ = [
    "CLAIM_KEYS",
    "GOLD_CLAIM_KEYS",
    "GOLD_RELATION_KEYS",
    "GOLD_REPLY_LABEL_KEYS",
    "PROVENANCE_KEYS",
    "RELATION_KEYS",
    "REPLY_LABEL_KEYS",
    "SUPPORTED_TOWARD",
    "_encode",
    "check_labels",
    "dumps_line",
    "dumps_thread",
    "labels_to_dict",
    "parse_line",
    "read",
    "thread_from_dict",
    "thread_to_dict",
    "write",
]
