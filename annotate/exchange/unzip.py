"""Zip uploads unpacked safely: only the files an import reads, within limits.

``ZipFile.extractall`` unpacked everything an upload held: a 1 MB zip holding a 1 GiB member
filled ``/tmp`` (issue 12). Here a zip is first checked from its central directory (cheap: no
member is decompressed), then only its wanted members are unpacked, streamed in chunks:

- wanted: a member whose file name (the last part of its path) is in :data:`WANTED`'s names
  or ends with one of its suffixes (what the ConvoKit, PHEME and brat readers open); any
  other member is left in the zip, as are hidden files and ``__MACOSX`` folders;
- refused, whatever it holds: a member whose path is absolute or climbs out with ``..``, a
  link, an encrypted member;
- limits (settings, in MB and as a ratio): each wanted member's size (``ZIP_MAX_MEMBER_MB``),
  their total (``ZIP_MAX_TOTAL_MB``), and each one's compression ratio (``ZIP_MAX_RATIO``,
  for members past 1 MiB: a few kB of blank space compress well and harm nobody).

``zipfile`` never yields more than a member's declared size (nor reads more than its declared
compressed size), so checking the declared sizes bounds what is written; the unpacking counts
the bytes anyway. Any refusal is a :class:`FormatError` naming the zip, the member and the
limit, raised before anything is written.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

from threads.formats.records import FormatError

MB = 1024 * 1024
# Members smaller than this are not held to the ratio.
RATIO_FLOOR = MB
_CHUNK = MB


@dataclass(frozen=True)
class Wanted:
    """The members an import reads out of a zip: by file name, or by the end of the name
    (both compared without regard to case)."""

    names: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()

    def __contains__(self, filename: str) -> bool:
        lowered = filename.lower()
        return lowered in self.names or lowered.endswith(self.suffixes)

    def __or__(self, other: Wanted) -> Wanted:
        return Wanted(self.names | other.names, self.suffixes + other.suffixes)


# What each format's reader opens out of a zip (``reading.unpacked_format`` says which format
# a zip holds). A format read from a zip adds its line here and to WANTED.
CONVOKIT = Wanted(
    frozenset(
        {"utterances.jsonl", "conversations.json", "speakers.json", "corpus.json", "index.json"}
    )
)
# PHEME thread folders: structure.json, source-tweet/<id>.json, replies/<id>.json.
PHEME = Wanted(frozenset({"structure.json"}), (".json",))
# brat pairs: <doc>.txt and <doc>.ann, the optional <doc>.metadata, the corpus's annotation.conf.
BRAT = Wanted(frozenset({"annotation.conf"}), (".txt", ".ann", ".metadata"))
WANTED = CONVOKIT | PHEME | BRAT


@dataclass(frozen=True)
class ZipLimits:
    member_bytes: int
    total_bytes: int
    ratio: int

    @classmethod
    def from_settings(cls) -> ZipLimits:
        return cls(
            member_bytes=settings.ZIP_MAX_MEMBER_MB * MB,
            total_bytes=settings.ZIP_MAX_TOTAL_MB * MB,
            ratio=settings.ZIP_MAX_RATIO,
        )


def zip_check(
    archive: Path | IO[bytes],
    *,
    name: str,
    wanted: Wanted = WANTED,
    limits: ZipLimits | None = None,
) -> list[zipfile.ZipInfo]:
    """The wanted members of ``archive`` (the upload ``name``), after checking every member
    against the rules above from the zip's directory alone. Raises :class:`FormatError`."""
    limits = limits or ZipLimits.from_settings()
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"not a zip file ({exc})", file=name) from None
    chosen = []
    total = 0
    for info in members:
        _refuse_unsafe(info, name=name)
        if info.is_dir() or not _wanted(info.filename, wanted):
            continue
        size = info.file_size
        if size > limits.member_bytes:
            raise FormatError(
                f"member {info.filename!r} unpacks to {_mb(size)}, over the "
                f"{_mb(limits.member_bytes)} one member may unpack to (ZIP_MAX_MEMBER_MB); "
                "nothing was imported",
                file=name,
            )
        ratio = size / max(info.compress_size, 1)
        if size > RATIO_FLOOR and ratio > limits.ratio:
            raise FormatError(
                f"member {info.filename!r} is compressed {ratio:,.0f} to 1 ({_mb(size)} from "
                f"{_mb(info.compress_size)}), over the {limits.ratio} to 1 a member may be "
                "(ZIP_MAX_RATIO): it looks like a zip bomb; nothing was imported",
                file=name,
            )
        total += size
        if total > limits.total_bytes:
            raise FormatError(
                f"the wanted members add up to more than the {_mb(limits.total_bytes)} a zip "
                f"may unpack to (ZIP_MAX_TOTAL_MB), at member {info.filename!r}; nothing was "
                "imported",
                file=name,
            )
        chosen.append(info)
    return chosen


def zip_extract(
    archive: Path,
    into: Path,
    *,
    name: str,
    wanted: Wanted = WANTED,
    limits: ZipLimits | None = None,
) -> list[Path]:
    """Unpack the wanted members of ``archive`` under ``into`` (their folders kept), after
    :func:`zip_check`; the paths written. Raises :class:`FormatError`, leaving ``into`` empty."""
    limits = limits or ZipLimits.from_settings()
    chosen = zip_check(archive, name=name, wanted=wanted, limits=limits)
    written: list[Path] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in chosen:
                target = into.joinpath(*PurePosixPath(info.filename).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, target.open("wb") as out:
                    written.append(target)
                    size = 0
                    while chunk := source.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > limits.member_bytes or total > limits.total_bytes:
                            raise FormatError(
                                f"member {info.filename!r} unpacks to more than it declares; "
                                "nothing was imported",
                                file=name,
                            )
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        _remove(into)
        raise FormatError(f"the zip is damaged ({exc}); nothing was imported", file=name) from None
    except FormatError:
        _remove(into)
        raise
    return written


def _refuse_unsafe(info: zipfile.ZipInfo, *, name: str) -> None:
    path = info.filename
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or ".." in parts or (parts and parts[0].endswith(":")):
        raise FormatError(
            f"member {path!r} points outside the zip (an absolute path or '..'); a zip with "
            "such a member is refused",
            file=name,
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise FormatError(
            f"member {path!r} is a link; a zip with links is refused (zip the files themselves)",
            file=name,
        )
    if info.flag_bits & 0x1:
        raise FormatError(f"member {path!r} is encrypted; upload it unencrypted", file=name)


def _wanted(path: str, wanted: Wanted) -> bool:
    parts = PurePosixPath(path).parts
    if any(part.startswith(".") or part == "__MACOSX" for part in parts):
        return False
    return bool(parts) and parts[-1] in wanted


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size // MB:,} MB"


def _remove(into: Path) -> None:
    """Empty ``into`` of whatever an unpacking that failed wrote."""
    for child in _children(into):
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _children(folder: Path) -> Iterable[Path]:
    return list(folder.iterdir()) if folder.is_dir() else []
