"""The reviewer's reads: the home list of threads to review and the review page, each in a fixed
number of queries whatever the size, with the disagreements worked out in Python.

Disagreements (DESIGN.md "Gold"; README "Reviewing"), among a thread's annotators (those
assigned to it, and anyone with a label on it; gold is not an annotator):

- claims are grouped by text, span and claim type; a group is a disagreement when only some
  annotators marked that span, or when they gave it different stances or targets (a target
  claim counts as its span);
- a comment's reply labels in one direction (toward its parent, or toward the article where
  the corpus labels that) disagree when not every annotator gave the same label (one annotator
  without a label while another has one counts); each direction is one disagreement.

One module a concern: :mod:`.disagreements` (pure), :mod:`.home` (the list),
:mod:`.rows` (what the page reads of each label), :mod:`.page` (the page and its fragments, with
the relations of the texts' claims, and the gold targets and relation starts).
"""

from annotate.selectors.review.disagreements import (
    claim_disagreement_count,
    claim_disagreements,
    reply_disagrees,
)
from annotate.selectors.review.home import (
    NEED_ANNOTATING,
    NEED_IN_REVIEW,
    NEED_READY,
    NEED_REVIEWED,
    PAGE_SIZE,
    HomeRow,
    ReviewHome,
    review_home,
    review_next,
)
from annotate.selectors.review.page import (
    gold_relation_start,
    gold_target_choices,
    review_text_get,
    review_thread_get,
)
from annotate.selectors.review.rows import (
    ClaimRow,
    Lane,
    ReplyReview,
    ReplyRow,
    ReplyVote,
    ReviewThread,
    TextReview,
)

__all__ = [
    "NEED_ANNOTATING",
    "NEED_IN_REVIEW",
    "NEED_READY",
    "NEED_REVIEWED",
    "PAGE_SIZE",
    "ClaimRow",
    "HomeRow",
    "Lane",
    "ReplyReview",
    "ReplyRow",
    "ReplyVote",
    "ReviewHome",
    "ReviewThread",
    "TextReview",
    "claim_disagreement_count",
    "claim_disagreements",
    "gold_relation_start",
    "gold_target_choices",
    "reply_disagrees",
    "review_home",
    "review_next",
    "review_text_get",
    "review_thread_get",
]
