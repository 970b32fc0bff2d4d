"""The names a ConvoKit corpus uses: its files and the meta keys our labels travel under."""

from __future__ import annotations

UTTERANCES = "utterances.jsonl"
FILES = ("utterances.jsonl", "conversations.json", "speakers.json", "corpus.json", "index.json")
K_ID = "threadlab_id"
K_CLAIMS = "threadlab_claims"
K_REPLY_LABELS = "threadlab_reply_labels"
K_GOLD_CLAIMS = "threadlab_gold_claims"
K_GOLD_REPLY_LABELS = "threadlab_gold_reply_labels"
_LABEL_KEYS = (K_CLAIMS, K_REPLY_LABELS, K_GOLD_CLAIMS, K_GOLD_REPLY_LABELS)
# A reply label in an utterance's meta: the jsonl export's, less the comment (the utterance).
_LABEL_FIELDS = ("annotator", "label", "toward")
# Corpora up to this many utterances are read once; larger ones twice, in flat memory.
KEEP_UTTERANCES = 50_000
