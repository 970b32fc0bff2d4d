"""Reading a ConvoKit corpus (a folder, or its utterances.jsonl) into ThreadRecords."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threads.formats.convokit.keys import (
    _LABEL_KEYS,
    K_CLAIMS,
    K_GOLD_CLAIMS,
    K_ID,
    KEEP_UTTERANCES,
    UTTERANCES,
)
from threads.formats.jsonl import PROVENANCE_KEYS, check_labels
from threads.formats.records import (
    CommentRecord,
    FormatError,
    NonFinite,
    ThreadRecord,
    record_checked,
)


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
