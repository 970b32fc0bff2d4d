"""Import, first stage: files and uploads in, plain thread records out.

The codecs (``threads.formats``) do the reading; this is what an import adds
around them: every file is checked for existence and a known format before any
is read (so a typo in the last path fails at once, not after an hour), and an
upload from the admin form becomes a file in a temporary folder, a ``.zip``
unpacked as a ConvoKit corpus folder or a folder of brat pairs, with errors
naming the uploaded file rather than the temporary path.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from threads.formats import FORMATS, detect_format, read_threads
from threads.formats.records import FormatError, ReadOptions, ThreadRecord


def format_check(fmt: str | None) -> None:
    """A format named by the caller must be one the codecs read (None: each file's name says)."""
    if fmt is not None and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def paths_check(paths: Sequence[Path], *, fmt: str | None) -> list[Path]:
    """``paths`` as paths, after failing on a missing file or an unknown kind of file.

    Checks them all before any is read, so a bad last path costs nothing.
    """
    checked = [Path(p) for p in paths]
    for path in checked:
        if not path.exists():
            raise FormatError("no such file or folder", file=str(path))
        if fmt is None:
            detect_format(path)
    return checked


def records_read(
    paths: Sequence[Path], *, fmt: str | None, options: ReadOptions | None = None
) -> Iterator[tuple[str, ThreadRecord]]:
    """Every thread of every file, in order, with the name of the file it came from."""
    for path in paths:
        file = str(path)
        for record in read_threads(path, fmt=fmt, options=options):
            yield file, record


@dataclass(frozen=True)
class SavedUpload:
    """An upload saved where the codecs can read it: ``path``, and the format it implies."""

    path: Path
    fmt: str | None  # "convokit" or "brat" for a zip; None lets the file's name choose


@contextmanager
def upload_saved(*, name: str, data: bytes) -> Iterator[SavedUpload]:
    """The uploaded file ``name`` with contents ``data``, in a temporary folder removed after.

    Only the last part of ``name`` is kept (a browser may send a whole path). A
    ``.zip`` is unpacked and must hold a ConvoKit corpus (``utterances.jsonl``) or
    brat pairs (``.ann`` files: each folder's name says whose labels they are).
    A :class:`FormatError` raised inside the block that names a file in the
    temporary folder names the uploaded file instead.
    """
    safe_name = Path(name.replace("\\", "/")).name or "upload"
    with tempfile.TemporaryDirectory(prefix="threadlab-upload-") as tmp:
        saved = Path(tmp) / safe_name
        saved.write_bytes(data)
        upload = SavedUpload(path=saved, fmt=None)
        if safe_name.lower().endswith(".zip"):
            upload = _zip_unpacked(saved, Path(tmp) / "unpacked", name=safe_name)
        try:
            yield upload
        except FormatError as exc:
            if exc.file and exc.file.startswith(tmp):
                # A file inside an unpacked zip is named by its path in the zip.
                inside = Path(exc.file).relative_to(tmp).parts[1:]
                exc.file = "/".join((safe_name, *inside)) if len(inside) > 1 else safe_name
            raise


def _zip_unpacked(archive: Path, into: Path, *, name: str) -> SavedUpload:
    """``archive`` unpacked in ``into``: its ConvoKit corpus folder (the shallowest one), or
    else the folder of its brat pairs."""
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)  # extractall drops absolute and ".." parts of member names
    except zipfile.BadZipFile:
        raise FormatError("not a zip file", file=name) from None
    found = sorted(into.rglob("utterances.jsonl"), key=lambda p: len(p.parts))
    if found:
        return SavedUpload(path=found[0].parent, fmt="convokit")
    if next(into.rglob("*.ann"), None) is not None:
        return SavedUpload(path=into, fmt="brat")
    raise FormatError(
        "the zip holds no ConvoKit corpus (no utterances.jsonl) and no brat pairs (no .ann)",
        file=name,
    )
