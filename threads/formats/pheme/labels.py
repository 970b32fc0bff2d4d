"""The RumourEval task A labels file: one JSON object ``{"<tweet id>": "<label>"}``.

RumourEval 2017 ships it as ``traindev/rumoureval-subtaskA-train.json`` (and
``-dev``); RumourEval 2019 nests it as ``{"subtaskaenglish": {...},
"subtaskbenglish": {...}}``, of which the task A object is taken. The file names
tweets of every thread of its split; those not in the import are ignored. Every
label must be one of the corpus's reply labels.
"""

from __future__ import annotations

from pathlib import Path

from threads.formats.jsonl.values import kind_of
from threads.formats.pheme.files import json_loaded, line_of
from threads.formats.records import FormatError

# The reply labels of the default schema (DESIGN.md "Domain"), after RumourEval.
DEFAULT_REPLY_LABELS = frozenset({"support", "deny", "query", "comment"})
_NESTED_2019 = "subtaskaenglish"


def labels_read(path: Path, *, known: frozenset[str] | None) -> dict[str, str]:
    """Tweet id -> label from the labels file at ``path``, every label one of ``known``.

    ``known`` is the corpus's reply labels (None: the default schema's). A
    FormatError names the file, the line and the tweet id of anything wrong.
    """
    file = str(path)
    if path.is_dir():
        raise FormatError("is a folder; --labels takes the task A labels file (JSON)", file=file)
    obj, data = json_loaded(file)
    if type(obj) is dict and type(obj.get(_NESTED_2019)) is dict:
        obj = obj[_NESTED_2019]
    if type(obj) is not dict:
        raise FormatError(
            'expected one JSON object of tweet ids and their labels, {"<tweet id>": "support",'
            f" ...}}, found {kind_of(obj)}",
            file=file,
            line=1,
        )
    allowed = DEFAULT_REPLY_LABELS if known is None else known
    for tweet_id, label in obj.items():
        if type(label) is not str or label not in allowed:
            shown = repr(label) if type(label) is str else kind_of(label)
            raise FormatError(
                f"tweet {tweet_id!r}: {shown} is not a reply label of the corpus"
                f" (it has: {', '.join(sorted(allowed)) or 'none'})",
                file=file,
                line=line_of(data, tweet_id),
            )
    return obj
