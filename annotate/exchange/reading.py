"""Import, first stage: files and uploads in, plain thread records out.

The codecs (``threads.formats``) do the reading; this is what an import adds
around them: every file is checked for existence and a known format before any
is read (so a typo in the last path fails at once, not after an hour), and an
upload from the admin form becomes a file in a temporary folder (with its
labels file, if any), a ``.zip`` unpacked and read as what it holds
(:func:`unpacked_format`), with errors naming the uploaded files rather than
the temporary paths.
"""

from __future__ import annotations

import os
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
    fmt: str | None  # what a zip holds; None lets the file's name choose
    labels: Path | None = None  # the labels file uploaded beside it (PHEME), saved


@contextmanager
def upload_saved(
    *, name: str, data: bytes, labels: tuple[str, bytes] | None = None
) -> Iterator[SavedUpload]:
    """The uploaded file ``name`` with contents ``data``, in a temporary folder removed after.

    Only the last part of a name is kept (a browser may send a whole path). A
    ``.zip`` is unpacked and read as what it holds (:func:`unpacked_format`).
    ``labels``, a second upload (name, contents), is saved beside it. A
    :class:`FormatError` raised inside the block that names a file in the
    temporary folder names the uploaded file instead.
    """
    safe_name = _safe(name)
    with tempfile.TemporaryDirectory(prefix="threadlab-upload-") as tmp:
        saved = Path(tmp) / safe_name
        saved.write_bytes(data)
        labels_path = None
        if labels is not None:
            labels_path = Path(tmp) / "labels" / _safe(labels[0])
            labels_path.parent.mkdir()
            labels_path.write_bytes(labels[1])
        upload = SavedUpload(path=saved, fmt=None, labels=labels_path)
        if safe_name.lower().endswith(".zip"):
            into = Path(tmp) / "unpacked"
            _zip_unpacked(saved, into, name=safe_name)
            folder, fmt = unpacked_format(into, name=safe_name)
            upload = SavedUpload(path=folder, fmt=fmt, labels=labels_path)
        try:
            yield upload
        except FormatError as exc:
            if exc.file and exc.file.startswith(tmp):
                in_labels = labels_path is not None and exc.file == str(labels_path)
                exc.file = _safe(labels[0]) if labels and in_labels else safe_name
            raise


def _safe(name: str) -> str:
    return Path(name.replace("\\", "/")).name or "upload"


def _zip_unpacked(archive: Path, into: Path, *, name: str) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)  # extractall drops absolute and ".." parts of member names
    except zipfile.BadZipFile:
        raise FormatError("not a zip file", file=name) from None


# What a zip may hold, in the order they are looked for: (format, how messages name it).
_ZIP_KINDS = (
    ("convokit", "a ConvoKit corpus (utterances.jsonl)"),
    ("pheme", "PHEME threads (structure.json)"),
    ("brat", "brat pairs (.txt and .ann)"),
)


def unpacked_format(folder: Path, *, name: str) -> tuple[Path, str]:
    """What the zip ``name``, unpacked in ``folder``, holds: the path to read, its format.

    - a ConvoKit corpus: the shallowest folder with ``utterances.jsonl``;
    - PHEME threads: the folder with ``structure.json`` (one thread), or the one holding
      all of them (a folder of threads, or of event folders of threads);
    - brat pairs: the folder holding every ``.ann`` file.

    Files macOS adds to its zips (``__MACOSX/``, ``._*``) are not looked at.
    """
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__MACOSX" not in p.parts and not p.name.startswith("._")
    ]
    found: dict[str, list[Path]] = {
        "convokit": [p.parent for p in files if p.name == "utterances.jsonl"],
        "pheme": [p.parent for p in files if p.name == "structure.json"],
        "brat": [p.parent for p in files if p.suffix.lower() == ".ann"],
    }
    for fmt, what in _ZIP_KINDS:
        folders = found[fmt]
        if not folders:
            continue
        if fmt not in FORMATS:
            raise FormatError(f"the zip holds {what}, which this server cannot import", file=name)
        if fmt == "convokit":
            return min(folders, key=lambda p: len(p.parts)), fmt
        return Path(os.path.commonpath(folders)), fmt
    kinds = ", ".join(what for fmt, what in _ZIP_KINDS if fmt in FORMATS)
    raise FormatError(f"the zip holds nothing this import reads: {kinds}", file=name)
