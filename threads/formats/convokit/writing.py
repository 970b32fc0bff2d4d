"""Writing ThreadRecords as a ConvoKit corpus: a folder, or a zip written as it goes."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from threads.formats.convokit.keys import (
    _LABEL_FIELDS,
    _LABEL_KEYS,
    K_CLAIMS,
    K_GOLD_CLAIMS,
    K_GOLD_REPLY_LABELS,
    K_ID,
    K_REPLY_LABELS,
    UTTERANCES,
)
from threads.formats.jsonl import CLAIM_KEYS, GOLD_CLAIM_KEYS, PROVENANCE_KEYS
from threads.formats.records import (
    ThreadRecord,
    format_datetime,
)


class ZipSink(Protocol):
    """What ``write_zip`` needs of its output: a binary file, a socket wrapper, a response."""

    def write(self, b: bytes, /) -> int: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


def _utterance_thread_id(thread_id: str) -> str:
    """The thread id as utterance ids carry it: without "/", so the first "/" ends it."""
    if "/" not in thread_id and "%" not in thread_id:
        return thread_id
    return thread_id.replace("%", "%25").replace("/", "%2F")


class _Dump:
    """What the small files need, gathered while utterances stream out."""

    def __init__(self, corpus_name: str) -> None:
        self.corpus_name = corpus_name
        self.speakers: dict[str, None] = {}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.utterance_types = _Types()
        self.conversation_types = _Types()
        self.threads = 0

    def lines(self, thread: ThreadRecord) -> Iterator[str]:
        """The utterances.jsonl lines of one thread: the article first, then its comments."""
        self.threads += 1
        tid = _utterance_thread_id(thread.id)
        conversation_meta = {"title": thread.title, "url": thread.url or ""}
        self.conversations[tid] = conversation_meta
        self.conversation_types.note(conversation_meta)

        by_text: dict[str | None, dict[str, list[dict[str, Any]]]] = {}
        for section, claims_key, labels_key, claim_keys, label_keys in (
            (thread.annotations, K_CLAIMS, K_REPLY_LABELS, CLAIM_KEYS, _LABEL_FIELDS),
            (
                thread.gold,
                K_GOLD_CLAIMS,
                K_GOLD_REPLY_LABELS,
                GOLD_CLAIM_KEYS,
                (*_LABEL_FIELDS, *PROVENANCE_KEYS),
            ),
        ):
            if not section:
                continue
            for claim in section.get("claims", ()):
                entry = by_text.setdefault(claim.get("comment_id"), {})
                entry.setdefault(claims_key, []).append({key: claim.get(key) for key in claim_keys})
            for label in section.get("reply_labels", ()):
                entry = by_text.setdefault(label.get("comment_id"), {})
                entry.setdefault(labels_key, []).append({key: label.get(key) for key in label_keys})

        encode = _encode
        article_meta = {**(thread.meta or {}), **_label_meta(by_text.get(None))}
        if tid != thread.id:
            article_meta[K_ID] = thread.id
        yield (
            encode(
                self._utterance(
                    tid, tid, thread.body, thread.author, None, thread.created_at, article_meta
                )
            )
            + "\n"
        )
        prefix = tid + "/"
        for c in thread.comments:
            labels = by_text.get(c.id)
            meta = {
                **(c.meta or {}),
                K_ID: c.id,
                **(_NO_LABELS if labels is None else _label_meta(labels)),
            }
            parent = prefix + c.parent_id if c.parent_id is not None else tid
            yield (
                encode(
                    self._utterance(
                        prefix + c.id, tid, c.text, c.author, parent, c.created_at, meta
                    )
                )
                + "\n"
            )

    def _utterance(
        self,
        uid: str,
        conversation_id: str,
        text: str,
        speaker: str,
        reply_to: str | None,
        created_at: datetime | None,
        meta: dict[str, Any],
    ) -> dict[str, Any]:
        speaker = speaker or ""
        self.speakers[speaker] = None
        self.utterance_types.note(meta)
        timestamp: int | float | None = None
        if created_at is not None:
            if created_at.tzinfo is None:
                created_at = created_at.replace(tzinfo=UTC)
            seconds = created_at.timestamp()
            timestamp = int(seconds) if seconds.is_integer() else seconds
        return {
            "id": uid,
            "conversation_id": conversation_id,
            "text": text,
            "speaker": speaker,
            "meta": meta,
            "reply-to": reply_to,
            "timestamp": timestamp,
            "vectors": [],
        }

    def small_files(self) -> Iterator[tuple[str, str]]:
        """(file name, JSON text) of the four files written after the utterances."""
        corpus_meta = {"name": self.corpus_name}
        yield (
            "conversations.json",
            json.dumps(
                {k: {"meta": v, "vectors": []} for k, v in self.conversations.items()},
                ensure_ascii=False,
            ),
        )
        yield (
            "speakers.json",
            json.dumps({k: {"meta": {}, "vectors": []} for k in self.speakers}, ensure_ascii=False),
        )
        yield "corpus.json", json.dumps(corpus_meta, ensure_ascii=False)
        overall_types = _Types()
        overall_types.note(corpus_meta)
        yield (
            "index.json",
            json.dumps(
                {
                    "utterances-index": self.utterance_types.finish(),
                    "speakers-index": {},
                    "conversations-index": self.conversation_types.finish(),
                    "overall-index": overall_types.finish(),
                    "version": 1,
                    "vectors": [],
                },
                ensure_ascii=False,
            ),
        )


def _label_meta(entry: dict[str, list[dict[str, Any]]] | None) -> dict[str, Any]:
    entry = entry or {}
    return {key: entry.get(key, []) for key in _LABEL_KEYS}


_NO_LABELS: dict[str, list[Any]] = {key: [] for key in _LABEL_KEYS}  # only ever read


class _Types:
    """The types of a component's meta fields, as ConvoKit's index records them.

    Each field maps to the ``str(type(value))`` of every distinct type seen, in
    order; nulls are not counted unless a field is never anything else.
    """

    def __init__(self) -> None:
        self.index: dict[str, list[str]] = {}
        self.seen: set[tuple[str, type]] = set()

    def note(self, meta: dict[str, Any]) -> None:
        seen = self.seen
        for key, value in meta.items():
            pair = (key, type(value))
            if pair in seen:
                continue
            seen.add(pair)
            types = self.index.setdefault(key, [])
            if value is not None:
                types.append(str(type(value)))

    def finish(self) -> dict[str, list[str]]:
        return {key: types or [str(type(None))] for key, types in self.index.items()}


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def write(threads: Iterable[ThreadRecord], directory: Path, *, corpus_name: str) -> int:
    """Write the threads as a ConvoKit corpus folder at ``directory``; return the thread count."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    dump = _Dump(corpus_name)
    with open(directory / UTTERANCES, "w", encoding="utf-8") as out:
        for thread in threads:
            out.writelines(dump.lines(thread))
    for name, text in dump.small_files():
        (directory / name).write_text(text, encoding="utf-8")
    return dump.threads


def write_zip(threads: Iterable[ThreadRecord], out: ZipSink, *, corpus_name: str) -> int:
    """Write the corpus folder into a zip on ``out`` (which need not be seekable).

    The files sit under a folder named ``corpus_name``. Returns the thread count.
    """
    dump = _Dump(corpus_name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # A ZipInfo, not a bare name: archive.open() would date the entry 1980-01-01.
        info = zipfile.ZipInfo(f"{corpus_name}/{UTTERANCES}", date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as entry:
            buffer = io.StringIO()
            size = 0
            for thread in threads:
                for line in dump.lines(thread):
                    buffer.write(line)
                    size += len(line)
                if size >= 1 << 16:
                    entry.write(buffer.getvalue().encode("utf-8"))
                    buffer = io.StringIO()
                    size = 0
            entry.write(buffer.getvalue().encode("utf-8"))
        for name, text in dump.small_files():
            archive.writestr(f"{corpus_name}/{name}", text.encode("utf-8"))
    return dump.threads


_encode = json.JSONEncoder(ensure_ascii=False, default=_default).encode
