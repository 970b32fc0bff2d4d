"""brat sample files for the tests: the committed samples, and pairs written on the fly."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent / "samples" / "brat"


def pair(folder: Path, name: str, text: str, ann: str, metadata: str | None = None) -> Path:
    """Write ``name``.txt and .ann (and .metadata) in ``folder``; the .ann's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    if metadata is not None:
        (folder / f"{name}.metadata").write_text(metadata, encoding="utf-8")
    return folder / f"{name}.ann"
