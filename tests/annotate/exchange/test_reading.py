"""Uploads saved for the codecs: zips read as what they hold, errors naming the uploads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from annotate.exchange import reading
from threads.formats.records import FormatError

ALL_KINDS = ("text", "jsonl", "convokit", "reddit", "labelstudio", "pheme", "brat")


def touch(root: Path, *names: str) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    return root


@pytest.fixture
def every_format(monkeypatch):
    """PHEME and brat readers registered, as they are once their branches land."""
    monkeypatch.setattr(reading, "FORMATS", ALL_KINDS)


def test_it_reads_a_zip_of_a_convokit_corpus_from_its_shallowest_folder(tmp_path):
    touch(tmp_path, "corpus/utterances.jsonl", "corpus/old/deeper/utterances.jsonl")
    assert reading.unpacked_format(tmp_path, name="c.zip") == (tmp_path / "corpus", "convokit")


def test_it_reads_one_pheme_thread_from_its_folder(tmp_path, every_format):
    touch(tmp_path, "552783667052167168/structure.json", "552783667052167168/source-tweet/5.json")
    assert reading.unpacked_format(tmp_path, name="t.zip") == (
        tmp_path / "552783667052167168",
        "pheme",
    )


def test_it_reads_pheme_event_folders_from_the_folder_holding_them(tmp_path, every_format):
    touch(
        tmp_path,
        "rumoureval-data/charliehebdo/1/structure.json",
        "rumoureval-data/ferguson/2/structure.json",
    )
    assert reading.unpacked_format(tmp_path, name="r.zip") == (
        tmp_path / "rumoureval-data",
        "pheme",
    )


def test_it_reads_brat_pairs_from_their_folder(tmp_path, every_format):
    touch(tmp_path, "cmv/a.txt", "cmv/a.ann", "cmv/b.txt", "cmv/b.ann", "cmv/annotation.conf")
    assert reading.unpacked_format(tmp_path, name="b.zip") == (tmp_path / "cmv", "brat")


def test_it_does_not_look_at_the_files_macos_adds(tmp_path, every_format):
    touch(tmp_path, "__MACOSX/cmv/._a.ann", "cmv/._b.ann", "corpus/utterances.jsonl")
    assert reading.unpacked_format(tmp_path, name="c.zip")[1] == "convokit"


def test_it_says_a_zip_holds_a_format_the_server_cannot_import(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "FORMATS", ("convokit",))
    touch(tmp_path, "thread/structure.json")
    with pytest.raises(FormatError, match=r"t.zip: the zip holds PHEME threads .* cannot import"):
        reading.unpacked_format(tmp_path, name="t.zip")


def test_it_saves_the_labels_file_beside_the_upload():
    with reading.upload_saved(name="a.json", data=b"[]", labels=("l.json", b"{}")) as upload:
        assert upload.labels is not None and upload.labels.read_bytes() == b"{}"
        assert upload.labels.parent != upload.path.parent


def test_it_names_the_uploaded_labels_file_in_errors():
    with (
        pytest.raises(FormatError, match=r"^subtaskA.json, line 3: bad label"),
        reading.upload_saved(name="thread.json", data=b"", labels=("subtaskA.json", b"")) as upload,
    ):
        raise FormatError("bad label", file=str(upload.labels), line=3)


def test_it_unpacks_a_zip_upload_as_what_it_holds():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/utterances.jsonl", "")
    with reading.upload_saved(name="c.zip", data=buffer.getvalue()) as upload:
        assert (upload.path.name, upload.fmt) == ("c", "convokit")


def test_it_refuses_an_upload_named_zip_that_is_not_one():
    with (
        pytest.raises(FormatError, match="^c.zip: not a zip file"),
        reading.upload_saved(name="c.zip", data=b"nope"),
    ):
        pass
