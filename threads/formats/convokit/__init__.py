"""ConvoKit corpora: a folder of utterances.jsonl, conversations.json, speakers.json,
corpus.json and index.json (https://convokit.cornell.edu/documentation/data_format.html).

Reading (a folder, or its ``utterances.jsonl``): every utterance line has ``id``,
``speaker`` (old corpora: ``user``), ``conversation_id`` (old: ``root``),
``reply-to`` (as ConvoKit writes it; its docs say ``reply_to``; both accepted),
``timestamp`` (unix seconds or null), ``text`` and ``meta``. Each conversation
becomes a thread whose external id is the conversation id; the utterance whose
id equals the conversation id is the article. Its title is the conversation's
``title`` in conversations.json if there is one, else the article utterance's
``meta["title"]``, else the first line of its text. Replies to the article (and
utterances replying to nothing) are top-level comments. A ``reply-to`` naming an
utterance of another conversation is an error naming both; one naming no
utterance at all is an orphan for ``tree.order_comments``.

The file is read line by line, twice for a large corpus: once to learn where
each conversation ends and which conversation each utterance id belongs to,
then to yield each thread as soon as its last utterance is read. Memory holds
the id map and the conversations still open, not the corpus. A corpus of up to
``KEEP_UTTERANCES`` utterances is kept from the first pass instead of read again.

Writing: the layout of ConvoKit's own ``Corpus.dump``: utterances.jsonl streamed,
one utterance a line with keys ``id, conversation_id, text, speaker, meta,
reply-to, timestamp, vectors``; ``speakers.json`` and ``conversations.json`` map
ids to ``{"meta": {...}, "vectors": []}``; ``corpus.json`` is the corpus meta
(``{"name": corpus_name}``); ``index.json`` types every meta field as ConvoKit
does (``{"utterances-index": {key: ["<class 'str'>", ...]}, "speakers-index",
"conversations-index", "overall-index", "version": 1, "vectors": []}``: the
``str(type(value))`` of each distinct type seen, nulls not counted; a field that
is only ever null is typed ``<class 'NoneType'>`` so a re-dump keeps it).

Utterance ids: the article's utterance id is the thread's external id (so it
equals ``conversation_id``); a comment's is ``"<thread id>/<comment id>"``,
always, because ConvoKit needs ids unique across the corpus and comment ids are
only unique within a thread. The comment's own id is kept in
``meta["threadlab_id"]`` and reading restores it. A thread id holding "/" or
"%" has them written as "%2F" and "%25" in utterance and conversation ids (so
thread "a" with comment "b/c" and thread "a/b" with comment "c" stay apart),
and the article utterance's ``meta["threadlab_id"]`` keeps the thread's own id.

Conversation meta: ``title`` and ``url``. The article utterance's meta is the
thread's meta. Labels go in each utterance's meta, as the plain dicts of the
jsonl export: ``threadlab_claims`` (the claims on that text),
``threadlab_reply_labels`` (``[{"annotator", "label", "toward"}]`` for that comment;
``toward`` is ``"parent"`` when missing),
``threadlab_gold_claims`` and ``threadlab_gold_reply_labels`` (the same for
gold, each with ``settled_by`` and ``source``). Reading takes them back into the
thread's annotations and gold.
"""

from threads.formats.convokit.keys import FILES, UTTERANCES
from threads.formats.convokit.reading import read
from threads.formats.convokit.writing import ZipSink, write, write_zip

__all__ = ["FILES", "UTTERANCES", "ZipSink", "read", "write", "write_zip"]
