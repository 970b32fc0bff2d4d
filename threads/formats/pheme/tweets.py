"""One tweet file (a Twitter API v1.1 status object) as the fields of an article or comment.

Kept as fields: the id (``id_str``), the text (``full_text`` if the tweet has it,
else ``text``, exactly as the file has it, HTML entities such as ``&amp;``
included), the author (``user.screen_name``) and the time (``created_at``, as
Twitter writes it: ``Sun Dec 14 23:43:23 +0000 2014``). A reply's
``in_reply_to_status_id(_str)`` becomes its parent. Everything else stays in
``meta`` as the file has it (``user`` less its ``screen_name``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from threads.formats.jsonl.values import kind_of
from threads.formats.pheme.files import has_nul_escape, json_loaded, line_of
from threads.formats.records import FormatError

TWITTER_TIME_EXAMPLE = "Sun Dec 14 23:43:23 +0000 2014"
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


@dataclass(slots=True)
class Tweet:
    id: str
    text: str
    author: str
    created_at: datetime | None
    meta: dict[str, Any] = field(default_factory=dict)
    nul: bool = False  # the file holds a \u0000 escape: record_checked must look at it
    # A reply whose in_reply_to names a tweet the thread does not have (deleted before the
    # corpus was collected, or a self-thread's missing link): placed where structure.json says.
    parent_outside: bool = False


def tweet_read(
    path: str,
    *,
    expected_id: str,
    thread: str,
    why: str,
    parent: str | None = None,
    thread_ids: set[str] | frozenset[str] = frozenset(),
) -> Tweet:
    """The tweet in the file at ``path``, which must be the tweet ``expected_id``.

    ``why`` says where that id comes from, for the error when the file holds another.
    A reply names its ``parent`` in structure.json: its ``in_reply_to_status_id_str``
    must say the same, unless it names a tweet that is not among ``thread_ids`` (the ids of
    structure.json): that parent is gone, so structure.json places the reply, the id it named
    stays in meta and ``parent_outside`` says so. The source tweet (no ``parent``) keeps what it
    replies to in meta.
    Runs once per tweet: plain steps, and the messages built only when something is wrong.
    """
    obj, data = json_loaded(path)
    if type(obj) is not dict:
        raise _failure(f"expected a tweet (a JSON object), found {kind_of(obj)}", path, thread)
    pop = obj.pop
    tweet_id = pop("id_str", None)
    number = pop("id", None)
    if type(tweet_id) is not str:
        if type(number) is not int:
            raise _failure('the tweet has no "id_str" (nor a numeric "id")', path, thread)
        tweet_id = str(number)
    if tweet_id != expected_id:
        raise _failure(
            f"the tweet's id is {tweet_id!r}, but {why} {expected_id!r}",
            path,
            thread,
            line_of(data, "id_str"),
        )
    text = pop("full_text", None)
    if text is None:
        text = pop("text", None)
    if type(text) is not str:
        raise _failure(
            f'the tweet has no text: "full_text" or "text" must be a string, not {kind_of(text)}',
            path,
            thread,
        )
    stamp = pop("created_at", None)
    created_at = None
    if stamp is not None:
        try:
            created_at = twitter_time(stamp)
        except ValueError:
            raise _failure(
                f'"created_at" {stamp!r} is not a time as Twitter writes it,'
                f" such as {TWITTER_TIME_EXAMPLE!r}",
                path,
                thread,
                line_of(data, "created_at"),
            ) from None
    user = obj.get("user")
    author = ""
    if type(user) is dict:
        name = user.pop("screen_name", None)
        if type(name) is str:
            author = name
        elif name is not None:
            raise _failure(
                f'"user.screen_name" must be a string, not {kind_of(name)}',
                path,
                thread,
                line_of(data, "screen_name"),
            )
    if parent is not None:
        in_reply_to = pop("in_reply_to_status_id_str", None)
        number = pop("in_reply_to_status_id", None)
        if in_reply_to is None and type(number) is int:
            in_reply_to = str(number)
        if in_reply_to is not None and in_reply_to != parent and in_reply_to not in thread_ids:
            obj["in_reply_to_status_id_str"] = in_reply_to
            tweet = Tweet(tweet_id, text, author, created_at, obj, has_nul_escape(data))
            tweet.parent_outside = True
            return tweet
        if in_reply_to != parent:
            said = "is null" if in_reply_to is None else f"is {in_reply_to!r}"
            raise _failure(
                f"tweet {tweet_id}: in_reply_to_status_id_str {said}, but structure.json puts"
                f" it under {parent}",
                path,
                thread,
                line_of(data, "in_reply_to_status_id_str"),
            )
    return Tweet(tweet_id, text, author, created_at, obj, has_nul_escape(data))


def _failure(message: str, path: str, thread: str, line: int | None = None) -> FormatError:
    return FormatError(message, file=path, line=line, record=thread)


def twitter_time(value: Any) -> datetime:
    """An aware datetime from Twitter's ``Sun Dec 14 23:43:23 +0000 2014``; else ValueError.

    Rewritten as ISO 8601 for ``datetime.fromisoformat``, which checks every digit: a
    quarter of what strptime costs, once per tweet.
    """
    if type(value) is str and len(value) == 30:
        month = _MONTHS.get(value[4:7])
        if month is not None and value[3] == value[7] == value[10] == value[19] == value[25] == " ":
            return datetime.fromisoformat(
                f"{value[26:]}-{month}-{value[8:10]}T{value[11:19]}{value[20:25]}"
            )
    raise ValueError(f"not a Twitter time: {value!r}")
