"""Import, first stage: files and uploads in, plain thread records out.

The codecs (``threads.formats``) do the reading; this is what an import adds
around them: every file is checked for existence and a known format before any
is read (so a typo in the last path fails at once, not after an hour), and an
upload from the admin form, saved on disk by its job (with its labels file, if
any), is read from there, a ``.zip`` unpacked safely (:mod:`.unzip`) and read as
what it holds (:func:`unpacked_format`), with errors naming the uploaded files
rather than the paths they wait at.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from annotate.exchange import unzip
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
    """An upload where the codecs can read it: ``path``, and the format it implies."""

    path: Path
    fmt: str | None  # what a zip holds; None lets the file's name choose
    labels: Path | None = None  # the labels file uploaded beside it (PHEME), saved


@contextmanager
def upload_opened(
    *, path: Path, name: str, labels: Path | None = None, labels_name: str | None = None
) -> Iterator[SavedUpload]:
    """The uploaded file ``name``, saved at ``path``, ready for the codecs.

    A ``.zip`` has its wanted members unpacked (:mod:`.unzip`, within its limits) into a
    temporary folder beside it, removed after, and is read as what it holds
    (:func:`unpacked_format`). ``labels`` is the labels file uploaded beside it (PHEME),
    saved at that path, uploaded as ``labels_name``. A :class:`FormatError` raised inside
    the block that names a file in ``path``'s folder names the uploaded file instead (and
    the member, for a zip's); one naming ``labels`` names ``labels_name``.
    """
    with _errors_naming(labels, labels_name or (labels.name if labels else "labels")):
        if name.lower().endswith(".zip"):
            with tempfile.TemporaryDirectory(prefix="unpacked-", dir=path.parent) as tmp:
                unzip.zip_extract(path, Path(tmp), name=name, wanted=unzip.WANTED)
                folder, fmt = unpacked_format(Path(tmp), name=name)
                with _errors_naming(Path(tmp), name):
                    yield SavedUpload(path=folder, fmt=fmt, labels=labels)
        else:
            with _errors_naming(path, name):
                yield SavedUpload(path=path, fmt=None, labels=labels)


@contextmanager
def _errors_naming(saved: Path | None, name: str) -> Iterator[None]:
    """FormatErrors naming ``saved`` (the upload, or the folder a zip was unpacked in) or a
    file inside it name the upload ``name`` instead: ``name`` or ``name: member``."""
    try:
        yield
    except FormatError as exc:
        if saved is not None and exc.file and Path(exc.file).is_relative_to(saved):
            inside = Path(exc.file).relative_to(saved).as_posix()
            exc.file = name if inside == "." else f"{name}: {inside}"
        raise


def threads_total(path: Path, *, fmt: str | None) -> int | None:
    """How many threads the file at ``path`` holds, where that is cheap to know (a jsonl
    file: its non-blank lines; a text file: one), else None."""
    if fmt is None:
        try:
            fmt = detect_format(path)
        except FormatError:
            return None
    if fmt == "text":
        return 1
    if fmt != "jsonl" or not path.is_file():
        return None
    with path.open("rb") as file:
        return sum(1 for line in file if line.strip())


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
