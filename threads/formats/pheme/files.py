"""Reading one JSON file of a PHEME folder, and finding a line in it for an error message."""

from __future__ import annotations

import os
from typing import Any

import orjson

from threads.formats.records import FormatError


def json_loaded(path: str) -> tuple[Any, bytes]:
    """The decoded JSON of the file at ``path``, and its bytes (to find lines in for errors).

    A FormatError names the file, and the line and column where the JSON goes wrong.
    """
    try:
        data = _bytes_read(path)
    except FileNotFoundError:
        raise FormatError("no such file", file=path) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    try:
        # orjson refuses what no database stores but \u0000 (NaN, lone surrogates, bytes
        # that are not UTF-8): the readers look for that one escape themselves.
        return orjson.loads(data), data
    except orjson.JSONDecodeError as exc:
        if not data.strip():
            raise FormatError("the file is empty; expected JSON", file=path) from None
        raise FormatError(
            f"invalid JSON: {exc.msg} at column {exc.colno}", file=path, line=exc.lineno
        ) from None


def _bytes_read(path: str) -> bytes:
    """The file's bytes by plain os calls: a third of what open() costs, once per tweet."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts = []
        while chunk := os.read(fd, 1 << 16):
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def line_of(data: bytes, key: str, occurrence: int = 1) -> int | None:
    """The line of the ``occurrence``-th ``"key"`` in ``data`` (None if it is not there).

    Only for error messages: most files of these corpora are one line, but not all.
    """
    needle = b'"' + key.encode("utf-8", "surrogatepass") + b'"'
    at = -1
    for _ in range(occurrence):
        at = data.find(needle, at + 1)
        if at < 0:
            return None
    return data.count(b"\n", 0, at) + 1


def has_nul_escape(data: bytes) -> bool:
    """Whether a JSON text holds ``\\u0000``, the one thing orjson reads that no database stores."""
    return b"\\u0000" in data
