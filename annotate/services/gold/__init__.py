"""Gold: a reviewer settles a thread's annotators' labels into one version (DESIGN.md "Gold").

A gold claim or reply label is a ``Claim`` / ``ReplyLabel`` with ``is_gold``; ``annotator`` is
the reviewer who settled it last (``settled_by`` in exports) and ``source`` the annotator it was
accepted from (null: drawn or chosen by the reviewer). Rules kept here:

- Only a reviewer of the thread's corpus (or an admin) settles gold.
- One gold claim per span and claim type of a text: accepting a span already in gold is refused
  (edit the gold claim instead), so two reviewers never make two golds of the same claim.
- A gold claim's target claim is a gold claim. An accepted claim whose target was the
  annotator's claim X targets the gold claim on X's span (preferably the one accepted from X);
  when X is not in gold yet, it falls back to the schema target naming where X was — ``thesis``
  for a claim in the article body, ``parent`` for one in a comment — and the result says so.
- Stale writes are refused, never overwritten: every write carries the version the page saw
  (``updated_at`` of the claim or gold label it acts on, as ISO text, "" for "there was none";
  for an annotator's reply label, the label value it showed); the
  rows are locked (``select_for_update``) and compared, and a mismatch is a :class:`GoldConflict`
  saying what changed, by whom and when (read from the history).
- Relations between gold claims come with accepted claims (an annotator's relation whose
  other end is in gold already) or are drawn by the reviewer (``gold.relations``).
- The first gold change on an ``unreviewed`` thread moves it to ``in_review``; opening the
  review page changes nothing (a GET never writes). "Mark reviewed" is
  :func:`review_status_set`.

Every gold change is recorded in the history. Gold is not an annotator, so these services do
not forget the thread's agreement figures.
"""

from annotate.services.gold.claims import (
    Accepted,
    gold_claim_accept,
    gold_claim_delete,
    gold_claim_draw,
    gold_claim_update,
    gold_claims_accept_all,
)
from annotate.services.gold.common import GoldConflict, review_status_set, version_of
from annotate.services.gold.relations import gold_relation_delete, gold_relation_draw
from annotate.services.gold.reply_labels import (
    gold_reply_label_accept,
    gold_reply_label_majority,
    majority,
    reply_labels_fingerprint,
)

__all__ = [
    "Accepted",
    "GoldConflict",
    "gold_claim_accept",
    "gold_claim_delete",
    "gold_claim_draw",
    "gold_claim_update",
    "gold_claims_accept_all",
    "gold_relation_delete",
    "gold_relation_draw",
    "gold_reply_label_accept",
    "gold_reply_label_majority",
    "majority",
    "reply_labels_fingerprint",
    "review_status_set",
    "version_of",
]
