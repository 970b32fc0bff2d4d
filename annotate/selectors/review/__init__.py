"""The reviewer's reads: the home list of threads to review and the review page, each in a fixed
number of queries whatever the size, with the disagreements worked out in Python.

- :mod:`.disagreements`: what counts as a disagreement among the annotators (pure);
- :mod:`.home`: the list of threads to review, those needing a reviewer first;
- :mod:`.rows`: the page's claims and reply labels as plain rows, and one text put together;
- :mod:`.page`: the review page, one text again after a gold change, the gold targets.
"""

from annotate.selectors.review.disagreements import (
    claim_disagreement_count,
    claim_disagreements,
    reply_disagrees,
)
from annotate.selectors.review.home import HomeRow, ReviewHome, review_home, review_next
from annotate.selectors.review.page import (
    gold_relation_start,
    gold_target_choices,
    review_text_get,
    review_thread_get,
)
from annotate.selectors.review.rows import ClaimRow, ReplyRow, ReviewThread, TextReview

__all__ = [
    "ClaimRow",
    "HomeRow",
    "ReplyRow",
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
