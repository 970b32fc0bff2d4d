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

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from threads.formats.jsonl import CLAIM_KEYS, GOLD_CLAIM_KEYS, PROVENANCE_KEYS, check_labels
from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ThreadRecord,
    format_datetime,
    record_checked,
)

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


# --- reading ---------------------------------------------------------------------------


def read(path: Path) -> Iterator[ThreadRecord]:
    """Yield one thread per conversation of the ConvoKit corpus at ``path`` (folder or file)."""
    path = Path(path)
    if path.is_dir():
        folder, utterances = path, path / UTTERANCES
        if not utterances.exists():
            raise FormatError(
                f"not a ConvoKit corpus: the folder has no {UTTERANCES}", file=str(path)
            )
    elif path.exists():
        folder, utterances = path.parent, path
    else:
        raise FormatError("no such file", file=str(path))
    file = str(utterances)
    conversations = _read_conversations(folder / "conversations.json")

    # Pass 1: which conversation each utterance is in, and the line each conversation ends on.
    # A small corpus is kept as decoded on the way, which spares reading it twice.
    conversation_of: dict[str, str] = {}
    last_line: dict[str, int] = {}
    kept: list[tuple[int, dict[str, Any]]] | None = []
    for number, obj in _utterance_lines(utterances, file):
        uid, conversation_id = _ids(obj, file, number)
        if uid in conversation_of:
            raise FormatError(f"duplicate utterance id {uid!r}", file=file, line=number)
        conversation_of[uid] = conversation_id
        last_line[conversation_id] = number
        if kept is not None:
            kept.append((number, obj))
            if len(kept) > KEEP_UTTERANCES:
                kept = None

    # Pass 2: collect each conversation's utterances, yield it on its last line.
    open_conversations: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
    source = kept if kept is not None else _utterance_lines(utterances, file)
    for number, obj in source:
        utt = _utterance(obj, file, number)
        conversation_id = utt[2]
        group = open_conversations.get(conversation_id)
        if group is None:
            group = open_conversations[conversation_id] = []
        group.append((number, utt))
        if last_line[conversation_id] == number:
            del open_conversations[conversation_id]
            thread = _thread(
                conversation_id, group, conversations.get(conversation_id), conversation_of, file
            )
            yield record_checked(thread, file=file)


def _read_conversations(path: Path) -> dict[str, dict[str, Any]]:
    """Conversation id -> its meta, from conversations.json when the folder has one."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_constant=NonFinite.read)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"not valid UTF-8 JSON: {exc}", file=str(path)) from None
    if type(data) is not dict:
        raise FormatError("expected an object mapping conversation ids to data", file=str(path))
    out: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if type(value) is dict:
            inner = value.get("meta")
            out[key] = inner if type(inner) is dict else value
    return out


def _utterance_lines(path: Path, file: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, decoded utterance) for each non-blank line."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                obj = json.loads(raw.decode("utf-8"), parse_constant=NonFinite.read)
            except UnicodeDecodeError as exc:
                raise FormatError(
                    f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                    file=file,
                    line=number,
                ) from None
            except json.JSONDecodeError as exc:
                cut = "" if raw.endswith(b"\n") else " (the line looks cut short)"
                raise FormatError(
                    f"invalid JSON: {exc.msg} at column {exc.colno}{cut}", file=file, line=number
                ) from None
            if type(obj) is not dict:
                raise FormatError("expected a JSON object for an utterance", file=file, line=number)
            yield number, obj


def _ids(obj: dict[str, Any], file: str, line: int) -> tuple[str, str]:
    """The utterance's id and conversation id, checked."""
    uid = _as_id(obj.get("id"))
    if uid is None:
        raise FormatError('an utterance needs an "id" (a string)', file=file, line=line)
    conversation = obj["conversation_id"] if "conversation_id" in obj else obj.get("root")
    conversation_id = _as_id(conversation)
    if conversation_id is None:
        raise FormatError(
            'missing "conversation_id" (old corpora: "root")', file=file, line=line, record=uid
        )
    return uid, conversation_id


def _utterance(obj: dict[str, Any], file: str, line: int) -> tuple[Any, ...]:
    """(id, speaker, conversation id, reply-to, timestamp, text, meta), checked."""
    uid, conversation_id = _ids(obj, file, line)

    def fail(message: str) -> FormatError:
        return FormatError(message, file=file, line=line, record=uid)

    speaker = obj["speaker"] if "speaker" in obj else obj.get("user")
    if type(speaker) is dict:  # some dumps inline the speaker object
        speaker = speaker.get("id")
    speaker = "" if speaker is None else str(speaker)
    reply_to = obj["reply-to"] if "reply-to" in obj else obj.get("reply_to")
    if reply_to is not None:
        reply_to = _as_id(reply_to)
        if reply_to is None:
            raise fail('"reply-to" must be an utterance id or null')
    text = obj.get("text")
    if type(text) is not str:
        raise fail('"text" must be a string')
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif type(meta) is not dict:
        raise fail('"meta" must be an object')
    stamp = obj.get("timestamp")
    created_at = None
    if stamp is not None:
        try:
            created_at = datetime.fromtimestamp(float(stamp), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise fail(f'"timestamp" {stamp!r} is not unix seconds') from None
    return (uid, speaker, conversation_id, reply_to, created_at, text, meta)


def _thread(
    conversation_id: str,
    group: list[tuple[int, tuple[Any, ...]]],
    conversation_meta: dict[str, Any] | None,
    conversation_of: dict[str, str],
    file: str,
) -> ThreadRecord:
    article = next((u for u in group if u[1][0] == conversation_id), None)
    if article is None:
        raise FormatError(
            f"conversation {conversation_id!r} has no utterance with id {conversation_id!r}"
            " (the article: the utterance whose id equals its conversation_id)",
            file=file,
            line=group[0][0],
            record=conversation_id,
        )
    article_line, (_, speaker, _, _, created_at, body, article_meta) = article
    article_meta = dict(article_meta)
    labels = {key: article_meta.pop(key, None) for key in _LABEL_KEYS}
    own_id = article_meta.pop(K_ID, None)  # set when the utterance ids escape the thread id
    thread_id = own_id if type(own_id) is str and own_id else conversation_id
    conversation_meta = dict(conversation_meta or {})
    title = conversation_meta.pop("title", None)
    url = conversation_meta.pop("url", None)
    if type(title) is not str or not title.strip():
        title = article_meta.get("title")
    if type(title) is not str or not title.strip():
        title = next((line.strip() for line in body.splitlines() if line.strip()), "")
    if not title:
        title = f"Conversation {thread_id}"

    # The comment id of each utterance of this conversation.
    comment_id_of: dict[str, str] = {}
    for _, utt in group:
        if utt[0] != conversation_id:
            own = utt[6].get(K_ID)
            comment_id_of[utt[0]] = own if type(own) is str and own else utt[0]

    comments: list[CommentRecord] = []
    claims: list[dict[str, Any]] = list(labels[K_CLAIMS] or [])
    gold_claims: list[dict[str, Any]] = list(labels[K_GOLD_CLAIMS] or [])
    for claim in (*claims, *gold_claims):
        if type(claim) is dict:
            claim["comment_id"] = None
    reply_labels: list[dict[str, Any]] = []
    gold_reply_labels: list[dict[str, Any]] = []
    for number, (uid, author, _, reply_to, stamp, text, meta) in group:
        if uid == conversation_id:
            continue
        cid = comment_id_of[uid]
        if reply_to is None or reply_to == conversation_id:
            parent_id = None
        elif reply_to in comment_id_of:
            parent_id = comment_id_of[reply_to]
        elif reply_to in conversation_of:
            raise FormatError(
                f"utterance {uid!r} replies to {reply_to!r}, which is in conversation"
                f" {conversation_of[reply_to]!r}, not in {conversation_id!r}",
                file=file,
                line=number,
                record=conversation_id,
            )
        else:
            parent_id = reply_to  # not in the corpus: an orphan, for the orphan policy
        meta = dict(meta)
        meta.pop(K_ID, None)
        found = [meta.pop(key, None) for key in _LABEL_KEYS]
        for key_claims, target in ((found[0], claims), (found[2], gold_claims)):
            for claim in key_claims or ():
                if type(claim) is dict:
                    claim["comment_id"] = cid
                target.append(claim)
        for key_labels, target in ((found[1], reply_labels), (found[3], gold_reply_labels)):
            for label in key_labels or ():
                if type(label) is dict:
                    # Gold labels keep who settled them and where they came from.
                    provenance = {k: label[k] for k in PROVENANCE_KEYS if k in label}
                    label = {
                        "annotator": label.get("annotator"),
                        "comment_id": cid,
                        "label": label.get("label"),
                        "toward": label.get("toward", "parent"),
                        **provenance,
                    }
                target.append(label)
        comments.append(
            CommentRecord(
                id=cid,
                parent_id=parent_id,
                text=text,
                author=author,
                created_at=stamp,
                meta=meta,
                line=number,
            )
        )

    thread = ThreadRecord(
        id=thread_id,
        title=title,
        body=body,
        author=speaker,
        url=url if type(url) is str else "",
        created_at=created_at,
        meta={**conversation_meta, **article_meta},
        comments=comments,
        line=article_line,
    )

    def fail(message: str) -> FormatError:
        return FormatError(message, file=file, line=article_line, record=conversation_id)

    texts = {c.id: c.text for c in comments}
    if claims or reply_labels:
        thread.annotations = check_labels(
            {"claims": claims, "reply_labels": reply_labels}, "annotations", body, texts, fail
        )
    if gold_claims or gold_reply_labels:
        thread.gold = check_labels(
            {"claims": gold_claims, "reply_labels": gold_reply_labels}, "gold", body, texts, fail
        )
    return thread


def _as_id(value: Any) -> str | None:
    if type(value) is str:
        return value or None
    if type(value) is int:
        return str(value)
    return None


# --- writing ---------------------------------------------------------------------------


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
