"""The keys of a claim and a reply label in a jsonl line (DESIGN.md "Export")."""

from __future__ import annotations

CLAIM_KEYS = (
    "id",
    "annotator",
    "comment_id",
    "start",
    "end",
    "text",
    "claim_type",
    "stance",
    "stance_target",
    "note",
    "created_at",
    "updated_at",
    "relations",
    "attributes",
)
REPLY_LABEL_KEYS = ("annotator", "comment_id", "label", "toward")
# A reply label is toward its comment's parent (the default) or the thread's root, the article.
SUPPORTED_TOWARD = ("parent", "root")
# A claim's relation: {"type": "support", "claim": <id of a claim of the same line and section>}.
RELATION_KEYS = ("type", "claim")
# Gold labels say who settled them and where they came from (DESIGN.md "Export").
PROVENANCE_KEYS = ("settled_by", "source")
GOLD_CLAIM_KEYS = (*CLAIM_KEYS, *PROVENANCE_KEYS)
GOLD_REPLY_LABEL_KEYS = (*REPLY_LABEL_KEYS, *PROVENANCE_KEYS)
GOLD_RELATION_KEYS = (*RELATION_KEYS, *PROVENANCE_KEYS)
_REQUIRED_CLAIM_KEYS = CLAIM_KEYS[:9]
