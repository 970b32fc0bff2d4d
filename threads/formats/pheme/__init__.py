"""RumourEval / PHEME threads: a folder per thread, or a folder of such folders.

A thread folder, as the RumourEval 2017 release lays it out
(``semeval2017-task8-dataset/rumoureval-data/<event>/<thread id>/``)::

    structure.json          {"<source id>": {"<reply id>": [], "<reply id>": {"<id>": []}}}
    source-tweet/<id>.json  the source tweet: a Twitter API v1.1 status object
    replies/<id>.json       one file per reply, the same kind of object
    urls.dat, context/...   anything else is not read

PHEME's own releases name the folders ``source-tweets/`` and ``reactions/``;
both spellings are read. The folder imported may be a thread folder (or its
structure.json), or hold thread folders below it, under event folders
(``charliehebdo/``) and PHEME's ``rumours/``/``non-rumours/`` folders, down to
``folders.MAX_DEPTH`` levels; the folders between become the article's
``meta["folder"]`` (``"charliehebdo"``, ``"ferguson/rumours"``).

The source tweet is the article: its id is the thread id, its text the body
(the title: its first line), its author ``user.screen_name``, its time
``created_at``, its URL the tweet's page. Each reply is a comment, nested as
structure.json says: the tree must be one (:mod:`.structure`), and each
reply's ``in_reply_to_status_id_str`` must name its parent there (the source
tweet for a top-level comment). Replies of one tweet come in the order they
were posted. Tweets structure.json names but the folder lacks (deleted
tweets) are left out with their replies and counted, as ``--orphans skip``
would; reply files structure.json does not name are left out and counted.
What a tweet carries besides those fields stays in ``meta`` (:mod:`.tweets`).

With a RumourEval task A labels file (``ReadOptions.labels``, :mod:`.labels`)
the replies' labels become reply labels toward the root by
``ReadOptions.annotator``, or gold settled by them (``as_gold``); the source
tweet's own label goes to the article's ``meta["label"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from threads.formats.pheme.folders import MAX_DEPTH, holds_threads, thread_folders
from threads.formats.pheme.labels import DEFAULT_REPLY_LABELS, labels_read
from threads.formats.pheme.reading import thread_read
from threads.formats.records import FormatError, ReadOptions, ThreadRecord

__all__ = ["DEFAULT_REPLY_LABELS", "holds_threads", "read"]


def read(path: Path, options: ReadOptions) -> Iterator[ThreadRecord]:
    """Yield the thread of every thread folder at or below ``path``, in name order."""
    labels = _labels(options)
    found = False
    for folder, above in thread_folders(Path(path)):
        found = True
        yield thread_read(folder, above, labels=labels, options=options)
    if not found:
        raise FormatError(
            "no RumourEval/PHEME thread here: a thread is a folder holding structure.json,"
            f" source-tweet/ and replies/ (looked {MAX_DEPTH} folders deep)",
            file=str(path),
        )


def _labels(options: ReadOptions) -> dict[str, str] | None:
    if options.labels is None:
        if options.as_gold or options.annotator:
            raise FormatError(
                "--annotator and --as-gold say whose the labels of a labels file become:"
                " name the file with --labels FILE"
            )
        return None
    if not options.annotator:
        raise FormatError(
            "--labels needs --annotator NAME: the account the labels are imported as"
            " (with --as-gold, the reviewer who settled them); it is created, without a"
            " password, if it does not exist",
            file=str(options.labels),
        )
    return labels_read(Path(options.labels), known=options.reply_labels)
