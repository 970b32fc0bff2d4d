"""Small checks of a jsonl line's values, shared by the thread and the label readers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from threads.formats.records import (
    parse_datetime,
)


def as_id(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return value or None
    if kind is int:
        return str(value)
    return None


def kind_of(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def opt_str(value: Any, what: str, fail: Any) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise fail(f"{what} must be a string or null, not {kind_of(value)}")
    return value


def opt_time(value: Any, what: str, fail: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        raise fail(f"{what} {value!r} is not an ISO 8601 time") from None


def opt_meta(value: Any, what: str, fail: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if type(value) is not dict:
        raise fail(f"{what} must be an object, not {kind_of(value)}")
    return value
