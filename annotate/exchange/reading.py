"""Import, first stage: files and uploads in, plain thread records out.

The codecs (``threads.formats``) do the reading; this is what an import adds
around them: every file is checked for existence and a known format before any
is read (so a typo in the last path fails at once, not after an hour), and an
upload from the admin form, saved on disk by its job, is read from there (a
``.zip`` unpacked as a ConvoKit corpus folder, safely: :mod:`.unzip`), with
errors naming the uploaded file rather than the path it waits at.
"""

from __future__ import annotations

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
    fmt: str | None  # "convokit" for a zip; None lets the file's name choose


@contextmanager
def upload_opened(*, path: Path, name: str) -> Iterator[SavedUpload]:
    """The uploaded file ``name``, saved at ``path``, ready for the codecs.

    A ``.zip`` has its wanted members unpacked (:mod:`.unzip`, within its limits) into a
    temporary folder beside it, removed after, and must hold a ConvoKit corpus
    (``utterances.jsonl``). A :class:`FormatError` raised inside the block that names a file
    in ``path``'s folder names the uploaded file instead (and the member, for a zip's).
    """
    if name.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory(prefix="unpacked-", dir=path.parent) as tmp:
            upload = SavedUpload(
                path=_convokit_zip_unpacked(path, Path(tmp), name=name), fmt="convokit"
            )
            with _errors_naming(Path(tmp), name):
                yield upload
    else:
        with _errors_naming(path, name):
            yield SavedUpload(path=path, fmt=None)


@contextmanager
def _errors_naming(saved: Path, name: str) -> Iterator[None]:
    """FormatErrors naming ``saved`` (the upload, or the folder a zip was unpacked in) or a
    file inside it name the upload ``name`` instead: ``name`` or ``name: member``."""
    try:
        yield
    except FormatError as exc:
        if exc.file and Path(exc.file).is_relative_to(saved):
            inside = Path(exc.file).relative_to(saved).as_posix()
            exc.file = name if inside == "." else f"{name}: {inside}"
        raise


def _convokit_zip_unpacked(archive: Path, into: Path, *, name: str) -> Path:
    """The ConvoKit corpus folder of ``archive`` unpacked in ``into`` (the shallowest one)."""
    written = unzip.zip_extract(archive, into, name=name, wanted=unzip.CONVOKIT)
    found = sorted((p for p in written if p.name == "utterances.jsonl"), key=lambda p: len(p.parts))
    if not found:
        raise FormatError("the zip holds no ConvoKit corpus (no utterances.jsonl)", file=name)
    return found[0].parent


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
